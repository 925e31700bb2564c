"""Photo answers drawn on the photo and "that's wrong" corrections, through real Telegram HTTP."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image

from fer_engine.captioner import Captioner
from fer_engine.pipeline import Pipeline
from tests.e2e.conftest import ALICE, GROUP, MINJI, RunningBot, running_bot
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG, GROUP_JPEG

# Words the tiny captioner writes for each face: three faces' answer outgrows a caption.
_WORDY_CAPTION_TOKENS = 80


@pytest.fixture
async def wordy_telegram(
    fake: FakeTelegram, tiny_pipeline: Pipeline, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot with the tiny fusion pipeline (Haar faces) whose BLIP-2 writes long captions."""
    captioner = tiny_pipeline.captioner
    assert captioner is not None
    wordy = Captioner(
        captioner.model,
        captioner.processor,
        captioner.prompt,
        max_new_tokens=_WORDY_CAPTION_TOKENS,
        min_new_tokens=_WORDY_CAPTION_TOKENS,
    )
    pipeline = Pipeline(
        tiny_pipeline.settings,
        tiny_pipeline.detector,
        tiny_pipeline.cnn,
        tiny_pipeline.head,
        wordy,
        tiny_pipeline.text_encoder,
    )
    async with running_bot(fake, pipeline, tmp_path) as running:
        yield running


async def three_faces_in_the_group(telegram: RunningBot):
    """Alice sends the three-face photo to the group, mentioning the bot; the bot's answer."""
    fake = telegram.fake
    update = fake.photo_update(ALICE, GROUP_JPEG.read_bytes(), GROUP, caption="@ferbot_test_bot")
    (answer,) = await telegram.push_and_wait(update)
    return answer


async def test_a_three_face_photo_comes_back_as_a_photo_whose_caption_holds_the_three_faces(
    telegram: RunningBot,
) -> None:
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, GROUP_JPEG.read_bytes())
    )
    assert answer.method == "sendphoto" and answer.photo is not None
    assert Image.open(io.BytesIO(answer.photo)).format == "JPEG"
    assert answer.text.startswith("I found 3 faces")
    for number in (1, 2, 3):
        assert f"\n{number}. " in answer.text
    assert [label for label, _ in answer.buttons] == [
        "✏️ 1 is wrong",
        "✏️ 2 is wrong",
        "✏️ 3 is wrong",
    ]


async def test_a_one_face_photo_is_still_answered_in_text(telegram: RunningBot) -> None:
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes())
    )
    assert answer.method == "sendmessage" and answer.photo is None


async def test_the_senders_correction_is_stored_and_edits_the_photos_caption(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    answer = await three_faces_in_the_group(telegram)
    (opened,) = await telegram.push_and_wait(fake.press_update(ALICE, answer, "✏️ 2 is wrong"))
    assert opened.method == "editmessagecaption" and opened.message_id == answer.message_id
    assert "😢 sad" in dict(opened.buttons)
    (corrected,) = await telegram.push_and_wait(fake.press_update(ALICE, opened, "😢 sad"))
    assert corrected.method == "editmessagecaption"
    assert "\n   ✏️ <i>you said: 😢 sad</i>\n3. " in corrected.text
    assert (await telegram.store.agreement(days=1)).chosen_instead() == [("sad", 1)]


async def test_a_correction_pressed_by_another_member_is_refused_politely_and_not_kept(
    telegram: RunningBot,
) -> None:
    fake = telegram.fake
    answer = await three_faces_in_the_group(telegram)
    sent = len(fake.sent)
    fake.push(fake.press_update(MINJI, answer, "✏️ 1 is wrong"))
    await fake.wait_for(lambda: len(fake.calls_of("answerCallbackQuery")) == 1)
    (refusal,) = fake.calls_of("answerCallbackQuery")
    assert refusal.params["text"] == "사진을 보낸 사람만 고칠 수 있어요."
    assert refusal.params["show_alert"] == "true"
    assert len(fake.sent) == sent
    assert (await telegram.store.agreement(days=1)).corrected == 0


async def test_forget_removes_the_senders_corrections(telegram: RunningBot) -> None:
    fake = telegram.fake
    (answer,) = await telegram.push_and_wait(fake.photo_update(ALICE, GROUP_JPEG.read_bytes()))
    (opened,) = await telegram.push_and_wait(fake.press_update(ALICE, answer, "✏️ 1 is wrong"))
    await telegram.push_and_wait(fake.press_update(ALICE, opened, "😠 angry"))
    assert (await telegram.store.agreement(days=1)).corrected == 1
    (question,) = await telegram.push_and_wait(fake.command_update(ALICE, "/forget"))
    await telegram.push_and_wait(fake.press_update(ALICE, question, "Yes, delete everything"))
    assert (await telegram.store.agreement(days=1)).corrected == 0


async def test_a_correction_under_an_answer_too_long_for_a_caption_edits_the_words_below_the_photo(
    wordy_telegram: RunningBot,
) -> None:
    fake = wordy_telegram.fake
    photo, words = await wordy_telegram.push_and_wait(
        fake.photo_update(ALICE, GROUP_JPEG.read_bytes()), replies=2
    )
    assert (photo.method, photo.text, words.method) == ("sendphoto", "", "sendmessage")
    assert len(words.text) > 1024
    (opened,) = await wordy_telegram.push_and_wait(fake.press_update(ALICE, words, "✏️ 1 is wrong"))
    (corrected,) = await wordy_telegram.push_and_wait(fake.press_update(ALICE, opened, "😠 angry"))
    assert corrected.method == "editmessagetext" and corrected.message_id == words.message_id
    assert "✏️ <i>you said: 😠 angry</i>" in corrected.text
    assert (await wordy_telegram.store.agreement(days=1)).chosen_instead() == [("angry", 1)]
