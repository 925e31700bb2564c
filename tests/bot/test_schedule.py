from datetime import UTC, datetime, timedelta

import pytest

from bot.schedule import Schedule, last_due, parse_schedule


@pytest.mark.parametrize(
    ("words", "cron", "described"),
    [
        (("daily", "21:00"), "0 21 * * *", "daily 21:00"),
        (("daily", "7:05"), "5 7 * * *", "daily 07:05"),
        (("weekly", "mon", "09:00"), "0 9 * * mon", "weekly mon 09:00"),
        (("Weekly", "Friday", "18:30"), "30 18 * * fri", "weekly fri 18:30"),
    ],
)
def test_schedules_are_typed_as_people_say_them(
    words: tuple[str, ...], cron: str, described: str
) -> None:
    schedule = parse_schedule(words)
    assert schedule == Schedule(cron) and schedule.describe() == described


@pytest.mark.parametrize(
    "words", [("daily",), ("daily", "25:00"), ("weekly", "someday", "09:00"), ("hourly", "1")]
)
def test_anything_else_is_not_a_schedule(words: tuple[str, ...]) -> None:
    assert parse_schedule(words) is None


def test_a_daily_digest_covers_a_day_and_a_weekly_one_a_week() -> None:
    assert (Schedule("0 21 * * *").window_days, Schedule("0 9 * * mon").window_days) == (1, 7)


def test_a_daily_schedule_fires_at_the_same_local_time_across_a_dst_change() -> None:
    trigger = Schedule("0 21 * * *").trigger("Europe/Berlin")
    before = datetime(2026, 3, 28, 12, tzinfo=UTC)  # the clocks go forward on 29 March
    first = trigger.get_next_fire_time(None, before)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert (first.hour, second.hour) == (21, 21)
    assert first.astimezone(UTC).hour == 20 and second.astimezone(UTC).hour == 19


def test_the_last_due_run_is_the_latest_fire_time_not_after_now() -> None:
    trigger = Schedule("0 9 * * mon").trigger("Asia/Seoul")
    now = datetime(2026, 11, 27, 3, tzinfo=UTC)  # Friday noon in Seoul
    assert last_due(trigger, now) == datetime(2026, 11, 23, 0, tzinfo=UTC)  # Monday 09:00 KST


def test_just_before_this_weeks_run_the_last_due_is_last_weeks() -> None:
    trigger = Schedule("0 9 * * mon").trigger("UTC")
    assert last_due(trigger, datetime(2026, 11, 22, 23, tzinfo=UTC)) == datetime(
        2026, 11, 16, 9, tzinfo=UTC
    )
