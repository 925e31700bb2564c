"""Corrections: a sender's word on a face of their photo, kept once per face, shown to the
operators as agreement, exported, and forgotten with them."""

import json
from datetime import datetime

from storage import Correction, Store

from .builders import ANN, BOB, FRIENDS, WORK, moment, photo

NOW = moment("2026-04-02T12:00:00+00:00")


def correction(
    message_id: str, emotion: str, face: int = 1, user_id: str = ANN.user_id, chat=FRIENDS
) -> Correction:
    return Correction("telegram", chat.chat_id, message_id, face, user_id, emotion, NOW)


async def test_the_latest_correction_of_a_face_replaces_the_earlier_one(store: Store) -> None:
    await store.record(photo("1", "2026-04-01T09:00:00+00:00", "happy"))
    assert await store.correct(correction("1", "sad"))
    assert await store.correct(correction("1", "angry"))
    found = await store.corrected_analysis("telegram", FRIENDS.chat_id, "1")
    assert found is not None and found.corrections == {1: "angry"}


async def test_a_correction_of_a_photo_never_recorded_is_refused(store: Store) -> None:
    assert not await store.correct(correction("404", "sad"))


async def test_a_correction_of_a_face_the_photo_does_not_have_is_refused(store: Store) -> None:
    await store.record(photo("1", "2026-04-01T09:00:00+00:00", "happy"))
    assert not await store.correct(correction("1", "sad", face=2))


async def test_forget_removes_the_persons_corrections(store: Store) -> None:
    await store.record(photo("1", "2026-04-01T09:00:00+00:00", "happy"))
    await store.correct(correction("1", "sad"))
    await store.forget_person("telegram", ANN.user_id)
    agreement = await store.agreement(days=7, now=NOW)
    assert agreement.corrected == 0 and agreement.faces == 0


async def test_the_export_holds_the_corrections_with_their_photo(store: Store) -> None:
    await store.record(photo("1", "2026-04-01T09:00:00+00:00", "happy"))
    await store.correct(correction("1", "sad"))
    exported = json.loads(await store.export_person("telegram", ANN.user_id) or "{}")
    (kept,) = exported["corrections"]
    assert (kept["chat_id"], kept["message_id"], kept["face"], kept["emotion"]) == (
        FRIENDS.chat_id,
        "1",
        1,
        "sad",
    )


async def test_agreement_counts_uncorrected_faces_and_what_people_chose_instead(
    store: Store,
) -> None:
    await store.record_many(
        [
            photo("1", "2026-04-01T09:00:00+00:00", "happy"),
            photo("2", "2026-04-01T10:00:00+00:00", "happy"),
            photo("3", "2026-04-02T10:00:00+00:00", "angry", BOB),
            photo("4", "2026-04-02T11:00:00+00:00", "sad", BOB),
        ]
    )
    await store.correct(correction("1", "neutral"))
    await store.correct(correction("3", "sad", user_id=BOB.user_id))
    agreement = await store.agreement(days=2, now=NOW)
    assert [(day.faces, day.corrected) for day in agreement.days] == [(2, 1), (2, 1)]
    assert agreement.agreed == 0.5
    assert agreement.confusion == {("happy", "neutral"): 1, ("angry", "sad"): 1}
    assert agreement.chosen_instead() == [("sad", 1), ("neutral", 1)]


async def test_agreement_on_one_platform_leaves_the_others_out(store: Store) -> None:
    await store.record(photo("1", "2026-04-01T09:00:00+00:00", "happy"))
    await store.correct(correction("1", "sad"))
    assert (await store.agreement(days=7, platform="discord", now=NOW)).faces == 0
    assert (await store.agreement(days=7, platform="telegram", now=NOW)).corrected == 1


async def test_an_expired_photo_takes_its_corrections_with_it(store: Store) -> None:
    await store.record(photo("1", "2020-04-01T09:00:00+00:00", "happy", chat=WORK))
    await store.correct(correction("1", "sad", chat=WORK))
    assert await store.purge_expired(now=datetime.fromisoformat("2026-04-02T00:00:00+00:00")) == 1
    assert await store.corrected_analysis("telegram", WORK.chat_id, "1") is None
