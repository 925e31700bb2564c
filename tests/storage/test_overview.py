"""The operators' queries: the whole store's activity, people and chats with their numbers."""

from datetime import UTC, datetime

from storage import ChatRef, PersonRef, Store
from tests.storage.builders import ANN, ANN_ALONE, BOB, FRIENDS, WORK, moment, photo

NOW = datetime(2026, 3, 2, 18, tzinfo=UTC)


async def test_activity_counts_every_chats_photos_per_utc_day_and_who_sent_them(
    store: Store,
) -> None:
    await store.record(photo("1", "2026-03-01T23:30:00+00:00", "happy", ANN, FRIENDS))
    await store.record(photo("2", "2026-03-02T00:30:00+00:00", "sad", BOB, WORK))
    await store.record(photo("3", "2026-03-02T10:00:00+00:00", None, BOB, WORK))
    await store.record(photo("4", "2026-02-20T10:00:00+00:00", "angry", ANN, FRIENDS))
    activity = await store.activity(days=2, now=NOW)
    assert [(day.day.isoformat(), day.photos) for day in activity.days] == [
        ("2026-03-01", 1),
        ("2026-03-02", 2),
    ]
    assert activity.photos == 3 and activity.emotions.counts["sad"] == 1
    assert activity.emotions.counts["angry"] == 0  # before the window
    assert (activity.active_people, activity.active_chats) == (2, 2)
    assert (activity.people, activity.chats) == (2, 2)


async def test_people_are_found_by_part_of_their_name_in_any_case_or_by_their_id(
    store: Store,
) -> None:
    await store.record(photo("1", "2026-03-01T10:00:00+00:00", "happy", ANN))
    await store.record(photo("2", "2026-03-01T11:00:00+00:00", "happy", BOB))
    assert [p.person.display_name for p in await store.find_people("aN")] == ["Ann"]
    assert [p.person.display_name for p in await store.find_people("1002")] == ["Bob"]
    assert len(await store.find_people()) == 2


async def test_a_search_for_like_wildcards_matches_them_literally(store: Store) -> None:
    percent = PersonRef("telegram", "7", "100% Kim")
    await store.record(photo("1", "2026-03-01T10:00:00+00:00", "happy", percent))
    await store.record(photo("2", "2026-03-01T10:00:00+00:00", "happy", ANN))
    assert [p.person.display_name for p in await store.find_people("%")] == ["100% Kim"]
    assert await store.find_people("_nn") == ()


async def test_a_person_is_listed_with_their_analyses_and_latest_photo(store: Store) -> None:
    await store.record(photo("1", "2026-03-01T10:00:00+00:00", "happy", ANN))
    await store.record(photo("2", "2026-03-02T10:00:00+00:00", "happy", ANN))
    listing = await store.person("telegram", ANN.user_id)
    assert listing.analyses == 2 and listing.last_seen == moment("2026-03-02T10:00:00+00:00")
    assert await store.person("telegram", "nobody") is None


async def test_chats_are_listed_with_their_settings_and_latest_digest(store: Store) -> None:
    await store.record(photo("1", "2026-03-01T10:00:00+00:00", "happy", ANN, FRIENDS))
    await store.record(photo("2", "2026-03-01T10:00:00+00:00", "happy", ANN, WORK))
    await store.claim_digest("telegram", FRIENDS.chat_id, moment("2026-03-01T12:00:00+00:00"))
    friends, work = await store.chats()
    assert friends.chat == FRIENDS and friends.analyses == 1 and friends.last_digest is not None
    assert work.last_digest is None
    assert (await store.chat("telegram", WORK.chat_id)).chat == WORK


async def test_chats_with_photos_since_are_one_platforms_most_recently_active_first(
    store: Store,
) -> None:
    discord_dm = ChatRef("discord", "950", "private", "Ann")
    await store.record(photo("1", "2026-03-02T17:00:00+00:00", "happy", ANN, FRIENDS))
    await store.record(photo("2", "2026-03-02T17:30:00+00:00", "happy", ANN, WORK))
    await store.record(photo("3", "2026-03-02T17:10:00+00:00", "sad", BOB, FRIENDS))
    await store.record(photo("4", "2026-03-02T16:00:00+00:00", "happy", BOB, ANN_ALONE))
    await store.record(photo("5", "2026-03-02T17:40:00+00:00", "happy", ANN, discord_dm))
    since = moment("2026-03-02T16:30:00+00:00")
    assert await store.chats_with_photos_since("telegram", since, limit=10) == (WORK, FRIENDS)
    assert await store.chats_with_photos_since("telegram", since, limit=1) == (WORK,)
    assert await store.chats_with_photos_since("discord", since, limit=10) == (discord_dm,)
