"""Photo answers drawn on the photo, and "that's wrong" corrections by the photo's sender."""

import io
from pathlib import Path

from PIL import Image

from bot.events import ButtonPress
from fer_engine.pipeline import Pipeline
from tests.bot.conftest import ALICE, ALICE_CHAT, MINJI, harness_for, settings
from tests.images import FACE_JPEG, GROUP_JPEG


async def test_a_group_photo_is_answered_with_the_photo_drawn_and_the_words_as_its_caption(
    harness,
) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    assert len(reply.faces) == 3 and reply.image_format == "jpeg"
    picture = Image.open(io.BytesIO(reply.image))
    assert picture.format == "JPEG" and max(picture.size) <= 1280
    assert reply.text.startswith("I found 3 faces")


async def test_a_one_face_photo_is_answered_in_words_only_with_multi(harness) -> None:
    reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    assert len(reply.faces) == 1 and reply.image is None


async def test_with_always_a_one_face_photo_comes_back_drawn_too(
    bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    async for harness in harness_for(bundled_pipeline, settings(tmp_path, annotate="always")):
        reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
        assert reply.image is not None


async def test_with_never_a_group_photo_is_answered_in_words_only(
    bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    async for harness in harness_for(bundled_pipeline, settings(tmp_path, annotate="never")):
        reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
        assert reply.image is None and len(reply.faces) == 3


async def test_every_face_of_an_answer_gets_a_thats_wrong_button(harness) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    assert [button.label for button in reply.buttons] == [
        "✏️ 1 is wrong",
        "✏️ 2 is wrong",
        "✏️ 3 is wrong",
    ]


async def test_a_thats_wrong_button_opens_the_seven_emotions_in_place(harness) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    opened = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, reply.buttons[1].data))
    assert opened.shown == "in_place" and opened.text == reply.text
    assert [button.label for button in opened.buttons][:7] == [
        "😮 surprised",
        "😨 afraid",
        "🤢 disgusted",
        "😊 happy",
        "😢 sad",
        "😠 angry",
        "😐 neutral",
    ]


async def test_the_senders_choice_is_kept_and_shown_under_that_face(harness) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    opened = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, reply.buttons[1].data))
    sad = next(button for button in opened.buttons if button.label == "😢 sad")
    corrected = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, sad.data))
    assert corrected.shown == "in_place"
    assert corrected.faces[1].correction == "you said: 😢 sad"
    assert [face.comment for face in corrected.faces] == [face.comment for face in reply.faces]
    assert len(corrected.buttons) == 3
    agreement = await harness.store.agreement(days=1)
    assert (agreement.faces, agreement.corrected) == (3, 1)


async def test_someone_else_pressing_a_correction_is_told_privately_and_nothing_is_kept(
    harness,
) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    refused = await harness.bot.handle(
        ButtonPress(MINJI, ALICE_CHAT, reply.buttons[0].data.replace("::", ":sad:"))
    )
    assert refused.shown == "notice"
    assert refused.text == "사진을 보낸 사람만 고칠 수 있어요."
    assert (await harness.store.agreement(days=1)).corrected == 0


async def test_a_correction_naming_a_photo_never_answered_is_answered_politely(harness) -> None:
    refused = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, "fix:1:sad:no-such-photo"))
    assert refused.shown == "notice" and "nothing to correct" in refused.text


async def test_stats_tells_the_operators_how_often_answers_were_corrected(harness) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    await harness.bot.handle(
        ButtonPress(ALICE, ALICE_CHAT, reply.buttons[0].data.replace("::", ":angry:"))
    )
    stats = await harness.say("/stats")
    assert stats.text.splitlines()[-1] == (
        "Agreement, last 30 days: 67% of 3 faces not corrected (1 corrected); "
        "chosen instead: 😠 angry 1."
    )
