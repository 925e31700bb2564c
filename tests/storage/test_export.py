import json

from storage import EMOTIONS, PersonPreferences, Store

from .builders import ANN, ANN_ALONE, BOB, FRIENDS, photo


async def test_export_holds_the_person_their_choices_and_every_analysis_oldest_first(
    store: Store,
) -> None:
    await store.set_preferences(ANN, PersonPreferences("ko", "Asia/Seoul", False, True))
    await store.record_many(
        [
            photo("2", "2026-03-31T09:00:00+00:00", "sad", ANN, ANN_ALONE),
            photo("1", "2026-03-30T09:00:00+09:00", "happy", ANN, FRIENDS),
            photo("3", "2026-03-31T09:00:00+00:00", "angry", BOB, FRIENDS),
        ]
    )
    exported = await store.export_person("telegram", "1001")
    assert exported is not None
    document = json.loads(exported)
    person = document["person"]
    assert (person["platform"], person["user_id"], person["display_name"]) == (
        "telegram",
        "1001",
        "Ann",
    )
    assert (person["language"], person["timezone"]) == ("ko", "Asia/Seoul")
    assert (person["opt_out_history"], person["opt_out_summaries"]) == (False, True)
    first, second = document["analyses"]
    assert (first["message_id"], first["chat"]["title"]) == ("1", "Friends")
    assert first["at"] == "2026-03-30T00:00:00+00:00"
    assert (second["message_id"], second["chat"]["kind"]) == ("2", "private")
    (face,) = second["faces"]
    assert list(face["probabilities"]) == list(EMOTIONS) and face["caption"] == "a face"
    assert second["dominant_emotion"] == "sad" and second["model_version"] == "fusion-gated-1"


async def test_export_of_someone_never_seen_is_none(store: Store) -> None:
    assert await store.export_person("telegram", "404") is None
