import itertools
import re
import sqlite3
from pathlib import Path

from bot.events import NotAPicture, OversizedFile
from bot.replies import Reply
from fer_engine.emotions import EMOTIONS
from fer_engine.pipeline import Pipeline
from tests.bot.conftest import ALICE, ALICE_CHAT, GROUP, MINJI, harness_for, settings
from tests.images import FACE_JPEG, GROUP_JPEG, encode, noise


async def test_a_private_photo_gets_emotion_emoji_confidence_and_a_comment(harness) -> None:
    reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    (face,) = reply.faces
    assert (face.number, face.emoji, face.emotion) == (1, "😊", "happy")
    assert face.confidence > 0.6 and face.comment
    assert reply.text.startswith("I found one face:\n1. 😊 happy (")


async def test_a_face_below_unsure_below_is_hedged_with_its_two_likeliest_emotions(
    bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    async for harness in harness_for(bundled_pipeline, settings(tmp_path, unsure_below=1.0)):
        reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
        (face,) = reply.faces
        hedge = re.fullmatch(r"not sure: (\w+) or (\w+)", face.emotion)
        assert face.emoji == "🤔" and hedge is not None
        # The bundled net reads this smiling face as happy first.
        assert hedge[1] == "happy" and hedge[2] in EMOTIONS and hedge[2] != "happy"
        assert reply.text.startswith(f"I found one face:\n1. 🤔 {face.emotion} (")


async def test_a_confident_face_is_not_hedged(harness) -> None:
    reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    assert "not sure" not in reply.text


async def test_an_answered_photo_lands_in_the_senders_history(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    history = await harness.store.person_history("telegram", ALICE.user_id)
    assert history.photos == 1 and history.emotions.most_frequent == "happy"


async def test_a_redelivered_photo_is_counted_once(harness) -> None:
    photo = harness.photo(FACE_JPEG.read_bytes())
    await harness.bot.handle(photo)
    await harness.bot.handle(photo)
    assert (await harness.store.person_history("telegram", ALICE.user_id)).photos == 1


async def test_faces_of_a_group_photo_are_numbered_left_to_right(harness) -> None:
    reply = await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    assert [face.number for face in reply.faces] == [1, 2, 3]
    assert reply.text.startswith("I found 3 faces (numbered left to right):")


async def test_a_photo_without_a_face_gets_a_hint_of_what_helps_in_either_language(
    harness,
) -> None:
    noise_photo = encode(noise(1, (300, 200)), "JPEG")
    reply = await harness.bot.handle(harness.photo(noise_photo))
    assert reply.faces == ()
    assert all(hint in reply.text for hint in ("camera", "good light", "whole face"))
    korean = await harness.bot.handle(harness.photo(noise_photo, sender=MINJI))
    assert all(hint in korean.text for hint in ("카메라", "빛", "얼굴 전체"))


async def test_a_broken_file_gets_the_readable_reason_in_the_senders_language(harness) -> None:
    reply = await harness.bot.handle(harness.photo(b"not a photo", sender=MINJI))
    assert reply == Reply("제가 열 수 있는 사진 파일이 아니에요.")


async def test_replies_follow_the_platform_language(harness) -> None:
    reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes(), sender=MINJI))
    assert reply.text.startswith("얼굴을 하나 찾았어요:\n1. 😊 행복")


async def test_the_same_comment_never_comes_twice_in_a_row(harness) -> None:
    comments = []
    for _ in range(8):
        reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
        comments.append(reply.faces[0].comment)
    assert all(a != b for a, b in itertools.pairwise(comments))


async def test_photos_beyond_the_rate_limit_get_a_polite_wait(
    bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    limited = settings(tmp_path, photos_per_window=2, rate_window_s=60)
    async for harness in harness_for(bundled_pipeline, limited):
        for _ in range(2):
            assert (await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))).faces
        reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
        # The wait counts from the first photo: 60 s less however long the two analyses took.
        wait = re.fullmatch(r"That's a lot of photos! Please wait (\d+) seconds .*", reply.text)
        assert wait is not None and 0 < int(wait[1]) <= 60
        assert (await harness.store.person_history("telegram", ALICE.user_id)).photos == 2


async def test_a_group_photo_not_meant_for_the_bot_gets_no_answer(harness) -> None:
    photo = harness.photo(FACE_JPEG.read_bytes(), chat=GROUP)
    assert await harness.bot.handle(photo) is None


async def test_a_group_photo_that_mentions_the_bot_is_answered(harness) -> None:
    photo = harness.photo(FACE_JPEG.read_bytes(), chat=GROUP, addressed=True)
    assert (await harness.bot.handle(photo)).faces


async def test_with_auto_analysis_on_every_group_photo_is_answered(harness) -> None:
    await harness.say("/auto on", chat=GROUP, admin=True)
    assert (await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes(), chat=GROUP))).faces


async def test_a_failure_inside_becomes_an_apology_not_a_traceback(harness, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "ferbot.db") as database:  # the store breaks under us
        database.execute("DROP TABLE analyses")
    reply = await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    assert reply == Reply("Sorry, something went wrong on my side. Please try again later.")


async def test_a_file_too_large_to_download_gets_the_limit_in_the_reply(harness) -> None:
    reply = await harness.bot.handle(OversizedFile(ALICE, ALICE_CHAT, limit_mb=20))
    assert reply == Reply("This file is larger than 20 MB; please send a smaller one.")


async def test_a_file_that_is_no_picture_gets_the_formats_the_bot_reads(harness) -> None:
    reply = await harness.bot.handle(NotAPicture(MINJI, ALICE_CHAT))
    assert reply == Reply("JPEG, PNG, WebP, BMP, GIF 사진을 읽을 수 있어요.")


async def test_before_downloading_adapters_learn_which_group_photos_are_answered(harness) -> None:
    unread = b""
    assert await harness.bot.will_answer(harness.photo(unread))
    assert await harness.bot.will_answer(harness.photo(unread, chat=GROUP, addressed=True))
    assert not await harness.bot.will_answer(harness.photo(unread, chat=GROUP))
    await harness.say("/auto on", chat=GROUP, admin=True)
    assert await harness.bot.will_answer(harness.photo(unread, chat=GROUP))


async def test_an_apology_for_a_failure_outside_the_core_speaks_the_senders_language(
    harness,
) -> None:
    assert await harness.bot.apology(MINJI) == Reply(
        "죄송해요, 제 쪽에 문제가 생겼어요. 잠시 후 다시 시도해 주세요."
    )
