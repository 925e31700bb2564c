"""What must never leak: the token into logs, or people's text into Telegram as markup."""

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from fer_engine.pipeline import Pipeline
from tests.e2e.conftest import ALICE, GROUP, running_bot
from tests.fakes.fake_telegram import TOKEN, FakeTelegram, Person
from tests.images import FACE_JPEG

_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def markup_of(text: str) -> list[str]:
    """The tags Telegram would read in `text`; fails on a bare `&` it would refuse."""
    assert "&" not in _ENTITY.sub("", text), text
    parser = _Tags()
    parser.feed(text)
    return parser.tags


async def test_the_token_never_appears_in_the_logs_even_at_debug(
    fake: FakeTelegram, bundled_pipeline: Pipeline, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="telegram")  # asked for, even: the adapter says no
    fake.fail_next("sendMessage", times=1, retry_after=1)
    async with running_bot(fake, bundled_pipeline, tmp_path) as telegram:
        await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
        (question,) = await telegram.push_and_wait(fake.command_update(ALICE, "/forget"))
        await telegram.push_and_wait(fake.press_update(ALICE, question, "No, keep it"))
    assert any(record.name.startswith("telegram.ext") for record in caplog.records)
    secret = TOKEN.split(":")[1]
    assert [record.getMessage() for record in caplog.records if secret in record.getMessage()] == []
    assert secret not in caplog.text


async def test_markup_in_names_captions_and_engine_captions_reaches_telegram_escaped(
    fake: FakeTelegram, markup_captioning_pipeline: Pipeline, tmp_path: Path
) -> None:
    bob = Person(2001, "<b>Bob</b> & Co", "en")
    async with running_bot(fake, markup_captioning_pipeline, tmp_path) as telegram:
        (answer,) = await telegram.push_and_wait(
            fake.photo_update(
                bob, FACE_JPEG.read_bytes(), GROUP, caption="<i>me</i> & @ferbot_test_bot"
            )
        )
    assert "&lt;b&gt;w" in answer.text  # the engine's caption, shown as the text it is
    assert markup_of(answer.text) == ["b", "i"]  # the emotion in bold, the caption in italics
