"""Digest schedules as people type them ("daily 21:00", "weekly mon 09:00") and as cron lines.

A chat's schedule is stored as a cron line in its own time zone; APScheduler's CronTrigger
turns it into fire times, DST included.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    """When a digest goes out and how many days it covers (a day for daily, a week for weekly)."""

    cron: str

    @property
    def window_days(self) -> int:
        return 1 if self.cron.split()[4] == "*" else 7

    def describe(self) -> str:
        """Back into the words people type: "daily 21:00" or "weekly mon 09:00"."""
        minute, hour, _, _, weekday = self.cron.split()
        at = f"{int(hour):02d}:{int(minute):02d}"
        return f"daily {at}" if weekday == "*" else f"weekly {weekday} {at}"

    def trigger(self, timezone: str) -> CronTrigger:
        return CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(timezone))


def parse_schedule(words: tuple[str, ...]) -> Schedule | None:
    """("daily", "21:00") or ("weekly", "mon", "09:00") as a Schedule; None if not one."""
    lowered = tuple(word.lower() for word in words)
    if len(lowered) == 2 and lowered[0] == "daily" and (time := _TIME.match(lowered[1])):
        return Schedule(f"{int(time[2])} {int(time[1])} * * *")
    if (
        len(lowered) == 3
        and lowered[0] == "weekly"
        and lowered[1][:3] in WEEKDAYS
        and (time := _TIME.match(lowered[2]))
    ):
        return Schedule(f"{int(time[2])} {int(time[1])} * * {lowered[1][:3]}")
    return None


def last_due(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The latest fire time at or before `now` in the last eight days (a weekly schedule fires
    at least once in any eight), or None."""
    fire = trigger.get_next_fire_time(None, now - timedelta(days=8))
    latest = None
    while fire is not None and fire <= now:
        latest = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return latest
