"""Photos and image files sent to the bot in a private chat, through real Telegram HTTP."""

import re
from pathlib import Path

from fer_engine.pipeline import Pipeline
from tests.e2e.conftest import ALICE, RunningBot, running_bot
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG, close_up, encode, face


async def test_a_private_photo_is_answered_with_emotion_and_comment_and_recorded(
    telegram: RunningBot,
) -> None:
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes())
    )
    assert answer.chat_id == ALICE.id
    assert re.fullmatch(r"I found one face:\n1\. 😊 <b>happy</b> \(\d+%\)\n   \S.+", answer.text)
    history = await telegram.store.person_history("telegram", str(ALICE.id))
    assert history.photos == 1 and history.emotions.most_frequent == "happy"


async def test_a_close_up_selfie_gets_an_emotion_not_the_no_face_reply(
    telegram: RunningBot,
) -> None:
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, encode(close_up(), "JPEG"))
    )
    assert re.fullmatch(r"I found one face:\n1\. \S+ <b>[^<]+</b> \(\d+%\)\n   \S.+", answer.text)


async def test_only_the_largest_size_of_a_photo_is_downloaded(telegram: RunningBot) -> None:
    update = telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes())
    await telegram.push_and_wait(update)
    largest = update["message"]["photo"][-1]["file_id"]
    assert telegram.fake.downloads == [largest]


async def test_the_answer_quotes_the_photo_it_is_about(telegram: RunningBot) -> None:
    update = telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes())
    (answer,) = await telegram.push_and_wait(update)
    assert answer.reply_to == update["message"]["message_id"]


async def test_the_bot_shows_typing_while_it_reads_a_photo(telegram: RunningBot) -> None:
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes())
    )
    actions = telegram.fake.calls_of("sendChatAction")
    assert actions and actions[0].params == {"chat_id": str(ALICE.id), "action": "typing"}
    assert actions[0].at < answer.at


async def test_the_engines_caption_comes_in_italics_with_its_markup_escaped(
    fake: FakeTelegram, markup_captioning_pipeline: Pipeline, tmp_path: Path
) -> None:
    async with running_bot(fake, markup_captioning_pipeline, tmp_path) as telegram:
        (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    caption_line = answer.text.splitlines()[2]
    assert re.fullmatch(r"   <i>“(&lt;b&gt;w\d+&lt;/b&gt;&amp; ?){4}”</i>", caption_line)


async def test_a_picture_sent_as_a_file_is_answered(telegram: RunningBot) -> None:
    png = encode(face(), "PNG")
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, png, as_document="image/png")
    )
    assert answer.text.startswith("I found one face:")


async def test_every_photo_of_an_album_gets_its_own_answer(telegram: RunningBot) -> None:
    album = [
        telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes(), media_group_id="album-1")
        for _ in range(3)
    ]
    for update in album:
        telegram.fake.push(update)
    await telegram.fake.wait_for(lambda: len(telegram.fake.sent) == 3)
    quoted = sorted(answer.reply_to for answer in telegram.fake.sent)
    assert quoted == sorted(update["message"]["message_id"] for update in album)
    assert all(answer.text.startswith("I found one face:") for answer in telegram.fake.sent)


async def test_a_corrupt_file_gets_a_polite_reason(telegram: RunningBot) -> None:
    whole = FACE_JPEG.read_bytes()
    broken = whole[: len(whole) // 2]
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, broken, as_document="image/jpeg")
    )
    assert answer.text == "This picture seems damaged or incomplete; please send it again."


async def test_a_25_mb_file_is_refused_politely_without_being_downloaded(
    telegram: RunningBot,
) -> None:
    big = bytes(25_000_000)
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, big, as_document="image/png")
    )
    assert answer.text == "This file is larger than 20 MB; please send a smaller one."
    assert telegram.fake.downloads == [] and telegram.fake.calls_of("getFile") == []
