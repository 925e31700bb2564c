"""Telegram failing under the bot: 500s, cut connections, and updates still in hand when the
process dies. Every photo is answered; none is forgotten by Telegram before it is."""

from bot.texts import Texts
from tests.e2e.conftest import ALICE, RunningBot
from tests.fakes.faults import Faults
from tests.images import FACE_JPEG

ENGLISH = Texts("en")


async def test_an_update_is_confirmed_to_telegram_only_once_it_is_answered(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    update = fake.photo_update(ALICE, FACE_JPEG.read_bytes())
    update_id = fake.push(update)
    await fake.wait_for(lambda: len(fake.downloads) == 1)  # taken, and being answered
    assert not fake.confirmed(update_id)  # a crash now: Telegram delivers it again
    await fake.answer_to(update["message"]["message_id"])
    await fake.wait_for(lambda: fake.confirmed(update_id))


async def test_a_reply_answered_500_is_sent_again(telegram: RunningBot) -> None:
    fake = telegram.fake
    fake.break_next("sendMessage", times=2)
    (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    assert answer.text.startswith(ENGLISH("face_found"))
    assert len(fake.calls_of("sendMessage")) == 3


async def test_a_reply_whose_connection_is_cut_is_sent_again(telegram: RunningBot) -> None:
    fake = telegram.fake
    fake.break_next("sendMessage", times=1, kind="drop")
    (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    assert answer.text.startswith(ENGLISH("face_found"))


async def test_a_poll_cut_off_is_polled_again(telegram: RunningBot) -> None:
    fake = telegram.fake
    fake.break_next("getUpdates", times=2, kind="drop")
    (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    assert answer.text.startswith(ENGLISH("face_found"))


async def test_a_photo_that_cannot_be_downloaded_gets_an_apology(telegram: RunningBot) -> None:
    fake = telegram.fake
    fake.download_faults = Faults(error_share=1.0)
    (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    assert answer.text == ENGLISH("sorry")
    assert fake.download_faults.injected["500"] == 6  # the first try and five more


async def test_a_pdf_in_a_private_chat_is_answered_with_the_formats_read_and_not_downloaded(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    pdf = fake.photo_update(ALICE, b"%PDF-1.4\n", as_document="application/pdf")
    (answer,) = await telegram.push_and_wait(pdf)
    assert answer.text == ENGLISH("bad_image.wrong_format")
    assert fake.downloads == [] and fake.calls_of("getFile") == []


async def test_an_answer_refused_by_a_long_429_flood_is_sent_once_it_passes(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    fake.fail_next("sendMessage", times=7, retry_after=1)  # 5 retries gave up after the 6th
    (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    assert answer.text.startswith(ENGLISH("face_found"))
    assert len(fake.calls_of("sendMessage")) == 8
