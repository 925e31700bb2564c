from datetime import date

import pytest

from storage import PersonHistory, PersonPreferences, Store

from .builders import ANN, ANN_ALONE, BOB, FRIENDS, WORK, moment, photo

NOW = moment("2026-03-31T12:00:00+00:00")


async def history_of_ann(store: Store, **options: int) -> PersonHistory:
    return await store.person_history("telegram", "1001", now=NOW, **options)


async def test_history_counts_each_emotion_and_its_share(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-30T09:00:00+00:00", "happy"),
            photo("2", "2026-03-30T10:00:00+00:00", "happy"),
            photo("3", "2026-03-31T09:00:00+00:00", "happy"),
            photo("4", "2026-03-31T10:00:00+00:00", "sad"),
        ]
    )
    history = await history_of_ann(store)
    assert history.photos == 4
    assert history.emotions.counts == {
        "surprise": 0,
        "fear": 0,
        "disgust": 0,
        "happy": 3,
        "sad": 1,
        "angry": 0,
        "neutral": 0,
    }
    assert history.emotions.shares["happy"] == 0.75 and history.emotions.shares["sad"] == 0.25
    assert history.emotions.most_frequent == "happy"


async def test_history_gathers_the_person_from_every_chat_and_no_one_else(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-31T09:00:00+00:00", "happy", chat=FRIENDS),
            photo("1", "2026-03-31T09:00:00+00:00", "sad", chat=WORK),
            photo("1", "2026-03-31T09:00:00+00:00", "angry", chat=ANN_ALONE),
            photo("2", "2026-03-31T09:00:00+00:00", "fear", person=BOB, chat=FRIENDS),
        ]
    )
    history = await history_of_ann(store)
    assert history.photos == 3
    assert {emotion for emotion, n in history.emotions.counts.items() if n} == {
        "happy",
        "sad",
        "angry",
    }
    assert {record.chat.chat_id for record in history.last} == {"-100", "-200", "1001"}


async def test_history_of_someone_never_seen_is_empty(store: Store) -> None:
    history = await store.person_history("telegram", "404", days=7, now=NOW)
    assert history.photos == 0 and history.emotions.total == 0
    assert history.emotions.most_frequent is None
    assert history.longest_streak is None and history.current_streak is None
    assert history.last == ()
    assert [day.photos for day in history.days] == [0] * 7


async def test_an_empty_window_still_has_a_day_for_each_day(store: Store) -> None:
    await store.record(photo("1", "2026-01-05T09:00:00+00:00"))
    history = await history_of_ann(store, days=7)
    assert [day.day for day in history.days] == [date(2026, 3, d) for d in range(25, 32)]
    assert history.photos == 0 and all(day.photos == 0 for day in history.days)
    assert history.last == ()


async def test_the_per_day_series_counts_each_local_day(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-29T23:59:59+00:00", "happy"),
            photo("2", "2026-03-30T00:00:00+00:00", "sad"),
            photo("3", "2026-03-30T12:00:00+00:00", "sad"),
            photo("4", "2026-03-31T08:00:00+00:00", None),
        ]
    )
    days = {day.day: day for day in (await history_of_ann(store, days=3)).days}
    assert [days[date(2026, 3, d)].photos for d in (29, 30, 31)] == [1, 2, 1]
    assert days[date(2026, 3, 30)].emotions.counts["sad"] == 2
    assert days[date(2026, 3, 31)].emotions.total == 0


async def test_the_window_is_whole_days_in_the_persons_time_zone(store: Store) -> None:
    # Seoul is UTC+9: its 2026-03-02 begins at 2026-03-01 15:00 UTC.
    await store.set_preferences(ANN, PersonPreferences(timezone="Asia/Seoul"))
    await store.record_many(
        [
            photo("1", "2026-03-01T14:59:59+00:00", "angry"),
            photo("2", "2026-03-01T15:00:00+00:00", "happy"),
            photo("3", "2026-03-31T14:59:59+00:00", "happy"),
            photo("4", "2026-03-31T15:00:00+00:00", "fear"),
        ]
    )
    history = await store.person_history(
        "telegram", "1001", days=30, now=moment("2026-03-31T23:00:00+09:00")
    )
    assert history.start == moment("2026-03-02T00:00:00+09:00")
    assert history.end == moment("2026-04-01T00:00:00+09:00")
    assert history.photos == 2 and history.emotions.counts["happy"] == 2
    assert history.days[0].day == date(2026, 3, 2) and history.days[0].photos == 1
    assert history.days[-1].day == date(2026, 3, 31) and history.days[-1].photos == 1


async def test_days_follow_daylight_saving_time(store: Store) -> None:
    # New York springs forward on 2026-03-08: that day lasts 23 hours, from 05:00 to 04:00 UTC.
    await store.set_preferences(ANN, PersonPreferences(timezone="America/New_York"))
    await store.record_many(
        [
            photo("1", "2026-03-08T04:59:59+00:00", "fear"),
            photo("2", "2026-03-08T05:00:00+00:00", "happy"),
            photo("3", "2026-03-09T03:59:59+00:00", "happy"),
            photo("4", "2026-03-09T04:00:00+00:00", "sad"),
        ]
    )
    history = await store.person_history(
        "telegram", "1001", days=3, now=moment("2026-03-09T12:00:00-04:00")
    )
    days = {day.day: day for day in history.days}
    assert days[date(2026, 3, 7)].emotions.counts["fear"] == 1
    assert days[date(2026, 3, 8)].emotions.counts["happy"] == 2
    assert days[date(2026, 3, 9)].emotions.counts["sad"] == 1


async def test_a_tie_for_most_frequent_goes_to_the_emotion_named_first(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-31T09:00:00+00:00", "sad"),
            photo("2", "2026-03-31T10:00:00+00:00", "happy"),
        ]
    )
    assert (await history_of_ann(store)).emotions.most_frequent == "happy"


async def test_a_streak_is_consecutive_days_with_the_same_most_frequent_emotion(
    store: Store,
) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-24T09:00:00+00:00", "sad"),
            photo("2", "2026-03-25T09:00:00+00:00", "happy"),
            photo("3", "2026-03-26T09:00:00+00:00", "happy"),
            photo("4", "2026-03-27T09:00:00+00:00", "happy"),
            photo("5", "2026-03-27T10:00:00+00:00", "sad"),
            photo("6", "2026-03-30T09:00:00+00:00", "sad"),
            photo("7", "2026-03-31T09:00:00+00:00", "sad"),
        ]
    )
    history = await history_of_ann(store, days=10)
    assert history.longest_streak is not None and history.current_streak is not None
    assert (history.longest_streak.emotion, history.longest_streak.days) == ("happy", 3)
    assert history.longest_streak.first_day == date(2026, 3, 25)
    assert history.longest_streak.last_day == date(2026, 3, 27)
    assert (history.current_streak.emotion, history.current_streak.days) == ("sad", 2)


async def test_a_day_without_a_face_breaks_a_streak(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-29T09:00:00+00:00", "happy"),
            photo("2", "2026-03-30T09:00:00+00:00", None),
            photo("3", "2026-03-31T09:00:00+00:00", "happy"),
        ]
    )
    history = await history_of_ann(store, days=5)
    assert history.longest_streak is not None and history.longest_streak.days == 1
    assert history.longest_streak.first_day == date(2026, 3, 31)


async def test_the_current_streak_ends_after_a_day_without_a_photo(store: Store) -> None:
    await store.record(photo("1", "2026-03-30T09:00:00+00:00", "happy"))
    await store.record(photo("2", "2026-03-28T09:00:00+00:00", "sad"))
    alive = await history_of_ann(store, days=7)
    assert alive.current_streak is not None and alive.current_streak.emotion == "happy"
    gone = await store.person_history(
        "telegram", "1001", days=7, now=moment("2026-04-01T12:00:00+00:00")
    )
    assert gone.current_streak is None


async def test_the_last_analyses_are_the_newest_first_and_no_more_than_asked(
    store: Store,
) -> None:
    await store.record_many(
        [photo(str(hour), f"2026-03-31T{hour:02d}:00:00+00:00") for hour in range(1, 9)]
    )
    last = (await history_of_ann(store, last=3)).last
    assert [record.message_id for record in last] == ["8", "7", "6"]


async def test_photos_outside_the_window_are_not_counted(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-01T23:59:59+00:00"),
            photo("2", "2026-03-02T00:00:00+00:00"),
            photo("3", "2026-04-01T00:00:00+00:00"),
        ]
    )
    history = await history_of_ann(store, days=30)
    assert history.photos == 1
    assert [record.message_id for record in history.last] == ["2"]


async def test_a_history_spans_one_day_to_a_year(store: Store) -> None:
    await store.record(photo("1", "2025-04-01T09:00:00+00:00"))
    assert (await history_of_ann(store, days=1)).days[0].day == date(2026, 3, 31)
    assert (await history_of_ann(store, days=366)).photos == 1
    with pytest.raises(ValueError, match="at least one day"):
        await history_of_ann(store, days=0)
    with pytest.raises(ValueError, match="at most 366 days"):
        await history_of_ann(store, days=367)
