"""Abuse through the real Telegram adapter: group settings from a member who is no admin,
one person reaching for another's history by any argument, markup in names and captions,
and the token in any log line at DEBUG."""

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.texts import Texts
from fer_engine.pipeline import Pipeline
from storage import ChatSettings
from tests.conftest import whole_image
from tests.e2e.conftest import GROUP, RunningBot, running_bot
from tests.e2e.test_secrets_and_markup import markup_of
from tests.fakes.fake_telegram import TOKEN, FakeTelegram, Person
from tests.images import FACE_JPEG

ENGLISH = Texts("en")
ALICE = Person(1001, "Alice")
MALLORY = Person(6666, "Mallory")
ADMIN = Person(7777, "Admin")
SETTINGS_COMMANDS = (
    "/auto on",
    "/summary_schedule daily 21:00",
    "/summary_tz Asia/Seoul",
    "/summary_alert 50%",
)
# Ways to name Alice, or everyone, that a curious or malicious person might try.
ALICE_BY_ANY_NAME = (
    "1001",
    "telegram:1001",
    "@Alice",
    "Alice",
    "all 1001",
    "../1001",
    "-1001",
    "' OR '1'='1",
    "1001; DROP TABLE analyses",
    "*",
    "%",
)


@pytest.fixture
async def telegram(
    bundled_pipeline: Pipeline, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[RunningBot]:
    """The bot on the fast engine; every log line at DEBUG is captured, and afterwards
    none may hold the token."""
    caplog.set_level(logging.DEBUG)
    async with (
        FakeTelegram() as fake,
        running_bot(fake, whole_image(bundled_pipeline), tmp_path) as running,
    ):
        yield running
    secret = TOKEN.split(":")[1]
    assert [r.getMessage() for r in caplog.records if secret in r.getMessage()] == []


async def say(telegram: RunningBot, person: Person, text: str, chat: dict | None = None) -> str:
    (reply,) = await telegram.push_and_wait(telegram.fake.command_update(person, text, chat))
    return reply.text


@pytest.mark.parametrize("command", SETTINGS_COMMANDS)
async def test_a_member_who_is_no_admin_cannot_change_a_group_setting(
    telegram: RunningBot, command: str
) -> None:
    assert await say(telegram, MALLORY, command, GROUP) == ENGLISH("admins_only")
    settings = await telegram.store.chat_settings("telegram", str(GROUP["id"]))
    assert settings == ChatSettings()


async def test_nobody_sees_another_persons_history_by_any_argument(telegram: RunningBot) -> None:
    await telegram.push_and_wait(telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    her_own = {await say(telegram, MALLORY, f"/history {period}") for period in ("7d", "all")}
    before = len(telegram.fake.sent)
    for argument in ALICE_BY_ANY_NAME:
        text = await say(telegram, MALLORY, f"/history {argument}")
        assert text in her_own | {ENGLISH("history.usage")}, argument
    assert all(sent.photo is None for sent in telegram.fake.sent[before:])  # no chart of hers
    assert await say(telegram, MALLORY, "/history 1001", GROUP) == ENGLISH("private_only")


async def test_nobody_deletes_another_persons_history_by_any_argument_or_forged_button(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    for argument in ALICE_BY_ANY_NAME:
        (question,) = await telegram.push_and_wait(
            fake.command_update(MALLORY, f"/forget {argument}")
        )
        await telegram.push_and_wait(fake.press_update(MALLORY, question, ENGLISH("forget.yes")))
        forged = fake.press_update(MALLORY, question, ENGLISH("forget.yes"))
        forged["callback_query"]["data"] = "forget:yes:1001"
        (answer,) = await telegram.push_and_wait(forged)
        assert answer.text == ENGLISH("forget.not_yours")
    assert (await telegram.store.person_history("telegram", "1001")).photos == 1


async def test_markup_in_names_and_captions_reaches_no_reply_as_markup(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    fake.set_member_status(GROUP["id"], ADMIN.id, "administrator")
    await say(telegram, ADMIN, "/auto on", GROUP)
    crafty = Person(8888, '<a href="tg://user?id=1">Admin</a> & <b>*bold*</b> _x_ [y](z)')
    await telegram.push_and_wait(
        fake.photo_update(crafty, FACE_JPEG.read_bytes(), GROUP, caption="<i>hi</i> & <script>")
    )
    digest = await say(telegram, ADMIN, "/summary", GROUP)
    assert "&lt;a href=" in digest  # the name is shown, as the text it is
    for sent in fake.sent:
        assert set(markup_of(sent.text)) <= {"b", "i"}, sent.text
