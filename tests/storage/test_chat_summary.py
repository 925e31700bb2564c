from datetime import date

import pytest

from storage import ChatSettings, Contributor, PersonPreferences, Store

from .builders import ANN, BOB, CAT, FRIENDS, WORK, moment, photo

NOW = moment("2026-03-31T12:00:00+00:00")


async def test_a_summary_counts_photos_active_people_and_their_emotions(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-31T09:00:00+00:00", "happy", ANN),
            photo("2", "2026-03-30T09:00:00+00:00", "happy", ANN),
            photo("3", "2026-03-29T09:00:00+00:00", "sad", BOB),
            photo("4", "2026-03-28T09:00:00+00:00", None, CAT),
        ]
    )
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.photos == 4 and summary.active_people == 3
    assert summary.emotions.total == 3
    assert summary.emotions.counts["happy"] == 2 and summary.emotions.counts["sad"] == 1


async def test_the_window_is_the_last_seven_local_days_by_default(store: Store) -> None:
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.start.date() == date(2026, 3, 25) and summary.end.date() == date(2026, 4, 1)


async def test_the_negative_share_is_angry_disgust_fear_and_sad(store: Store) -> None:
    emotions = ["angry", "disgust", "fear", "sad", "happy", "surprise", "neutral", "neutral"]
    await store.record_many(
        [photo(str(n), "2026-03-31T09:00:00+00:00", e) for n, e in enumerate(emotions)]
    )
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.emotions.negative_share == 0.5


async def test_the_negative_share_is_compared_with_the_window_before(store: Store) -> None:
    await store.record_many(
        [
            # 2026-03-18 .. 03-24: one sad photo in four.
            photo("1", "2026-03-18T00:00:00+00:00", "sad"),
            photo("2", "2026-03-20T09:00:00+00:00", "happy"),
            photo("3", "2026-03-22T09:00:00+00:00", "happy"),
            photo("4", "2026-03-24T23:59:59+00:00", "happy"),
            # 2026-03-25 .. 03-31: three in four.
            photo("5", "2026-03-25T00:00:00+00:00", "angry"),
            photo("6", "2026-03-27T09:00:00+00:00", "fear"),
            photo("7", "2026-03-29T09:00:00+00:00", "sad"),
            photo("8", "2026-03-31T09:00:00+00:00", "happy"),
            # Before both windows: not counted.
            photo("9", "2026-03-17T23:59:59+00:00", "sad"),
        ]
    )
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.previous.total == 4 and summary.previous.negative_share == 0.25
    assert summary.emotions.negative_share == 0.75
    assert summary.negative_change == pytest.approx(0.5)


async def test_no_change_is_claimed_when_the_window_before_had_no_face(store: Store) -> None:
    await store.record(photo("1", "2026-03-31T09:00:00+00:00", "sad"))
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.previous.negative_share is None and summary.negative_change is None


async def test_top_contributors_are_ranked_by_photos(store: Store) -> None:
    senders = [ANN, BOB, BOB, CAT, CAT, CAT]
    await store.record_many(
        [photo(str(n), "2026-03-31T09:00:00+00:00", person=p) for n, p in enumerate(senders)]
    )
    summary = await store.chat_summary("telegram", "-100", top=2, now=NOW)
    assert summary.top_contributors == (
        Contributor("1003", "Cat", 3),
        Contributor("1002", "Bob", 2),
    )


async def test_top_contributors_leave_out_whoever_opted_out_of_summaries(store: Store) -> None:
    await store.set_preferences(CAT, PersonPreferences(opt_out_summaries=True))
    senders = [ANN, BOB, CAT, CAT, CAT]
    await store.record_many(
        [photo(str(n), "2026-03-31T09:00:00+00:00", person=p) for n, p in enumerate(senders)]
    )
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert [c.display_name for c in summary.top_contributors] == ["Ann", "Bob"]
    assert summary.active_people == 3 and summary.photos == 5


async def test_the_summary_window_is_whole_days_in_the_chats_time_zone(store: Store) -> None:
    # Kathmandu is UTC+5:45: its 2026-03-25 begins at 2026-03-24 18:15 UTC.
    await store.set_chat_settings(FRIENDS, ChatSettings(timezone="Asia/Kathmandu"))
    await store.record_many(
        [
            photo("1", "2026-03-24T18:14:59+00:00", "sad"),
            photo("2", "2026-03-24T18:15:00+00:00", "happy"),
        ]
    )
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.start == moment("2026-03-25T00:00:00+05:45")
    assert summary.emotions.counts["happy"] == 1 and summary.emotions.counts["sad"] == 0
    assert summary.previous.counts["sad"] == 1


async def test_a_summary_counts_only_its_own_chat(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-31T09:00:00+00:00", "happy", chat=FRIENDS),
            photo("2", "2026-03-31T09:00:00+00:00", "sad", chat=WORK),
        ]
    )
    summary = await store.chat_summary("telegram", "-200", now=NOW)
    assert summary.photos == 1 and summary.emotions.counts["sad"] == 1


async def test_a_chat_never_seen_has_an_empty_summary(store: Store) -> None:
    summary = await store.chat_summary("telegram", "-404", now=NOW)
    assert summary.photos == 0 and summary.active_people == 0
    assert summary.emotions.negative_share is None and summary.negative_change is None
    assert summary.top_contributors == ()
