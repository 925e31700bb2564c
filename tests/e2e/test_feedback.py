"""Photo answers drawn on the photo and "that's wrong" corrections, through real Telegram HTTP."""

import io

from PIL import Image

from tests.e2e.conftest import ALICE, GROUP, MINJI, RunningBot
from tests.images import FACE_JPEG, GROUP_JPEG


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
