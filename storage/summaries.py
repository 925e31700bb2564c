"""What the store answers about a window of time: a person's history and a chat's summary.

Windows are whole local days in the person's or the chat's time zone, ending with today:
`days=7` is today and the six days before it. Their bounds are computed here, in Python, so
that daylight saving time and half-hour zones come out right on every database; the
databases only ever see UTC instants.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from storage.emotions import EMOTIONS, NEGATIVE_EMOTIONS
from storage.records import AnalysisRecord


def day_bounds(now: datetime, timezone: str, days: int) -> tuple[datetime, ...]:
    """The `days + 1` local midnights that bound the last `days` days, today included."""
    if days < 1:
        raise ValueError(f"a window is at least one day, got {days}")
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    return tuple(
        datetime.combine(first + timedelta(days=offset), time(), zone) for offset in range(days + 1)
    )


@dataclass(frozen=True)
class EmotionCounts:
    """How many photos had each dominant emotion, every emotion present in EMOTIONS order.

    Photos without a face have no dominant emotion and are not counted here.
    """

    counts: Mapping[str, int]

    @classmethod
    def of(cls, pairs: Iterable[tuple[str | None, int]]) -> "EmotionCounts":
        """Sum (emotion, count) pairs; pairs without an emotion are left out."""
        counts = dict.fromkeys(EMOTIONS, 0)
        for emotion, count in pairs:
            if emotion is not None:
                counts[emotion] += count
        return cls(counts)

    @property
    def total(self) -> int:
        """Photos with at least one face."""
        return sum(self.counts.values())

    @property
    def shares(self) -> Mapping[str, float]:
        """Each emotion's share of `total`; all zero when there is nothing to share."""
        total = self.total
        return {emotion: count / total if total else 0.0 for emotion, count in self.counts.items()}

    @property
    def most_frequent(self) -> str | None:
        """The emotion counted most (a tie goes to the one first in EMOTIONS); None if none."""
        if self.total == 0:
            return None
        return max(EMOTIONS, key=lambda emotion: (self.counts[emotion], -EMOTIONS.index(emotion)))

    @property
    def negative_share(self) -> float | None:
        """The share of angry, disgust, fear and sad; None when no photo had a face."""
        if self.total == 0:
            return None
        return sum(self.counts[emotion] for emotion in NEGATIVE_EMOTIONS) / self.total


@dataclass(frozen=True)
class DayCounts:
    """One local day: photos sent (with a face or not) and their dominant emotions."""

    day: date
    photos: int
    emotions: EmotionCounts


def days_of(
    bounds: Sequence[datetime], per_day: Sequence[tuple[int, str | None, int]]
) -> tuple[DayCounts, ...]:
    """One DayCounts per day of `bounds`, empty days included, from (day index, dominant
    emotion, photos) counts."""
    return tuple(
        DayCounts(
            day=start.date(),
            photos=sum(photos for day, _, photos in per_day if day == index),
            emotions=EmotionCounts.of(
                (emotion, photos) for day, emotion, photos in per_day if day == index
            ),
        )
        for index, start in enumerate(bounds[:-1])
    )


@dataclass(frozen=True)
class Streak:
    """Consecutive days on which the same emotion was the day's most frequent."""

    emotion: str
    days: int
    first_day: date
    last_day: date


@dataclass(frozen=True)
class PersonHistory:
    """A person's photos over `start`..`end` (local midnights, end exclusive) in `timezone`.

    `days` has one entry per day of the window, empty days included. `current_streak` is the
    streak that includes the latest day with a face, provided that day is today or yesterday
    (today's first photo may not have come yet). `last` holds the latest analyses, newest first.
    """

    timezone: str
    start: datetime
    end: datetime
    photos: int
    emotions: EmotionCounts
    days: tuple[DayCounts, ...]
    longest_streak: Streak | None
    current_streak: Streak | None
    last: tuple[AnalysisRecord, ...]

    @classmethod
    def of(
        cls,
        timezone: str,
        bounds: Sequence[datetime],
        per_day: Iterable[tuple[int, str | None, int]],
        last: Iterable[AnalysisRecord],
    ) -> "PersonHistory":
        """The history from (day index, dominant emotion, photos) counts over `bounds`."""
        counts = list(per_day)
        days = days_of(bounds, counts)
        longest, current = streaks(days)
        return cls(
            timezone=timezone,
            start=bounds[0],
            end=bounds[-1],
            photos=sum(photos for _, _, photos in counts),
            emotions=EmotionCounts.of((emotion, photos) for _, emotion, photos in counts),
            days=days,
            longest_streak=longest,
            current_streak=current,
            last=tuple(last),
        )


@dataclass(frozen=True)
class Contributor:
    """Someone who sent photos to a chat in the window, and how many."""

    user_id: str
    display_name: str
    photos: int


@dataclass(frozen=True)
class ChatSummary:
    """A chat's photos over `start`..`end` in `timezone`, against the window of equal length
    just before it (`previous`). `top_contributors` leaves out those who opted out of being
    named; `active_people` counts everyone. `hours` counts the window's photos per local hour
    of day (0-23)."""

    timezone: str
    start: datetime
    end: datetime
    photos: int
    active_people: int
    emotions: EmotionCounts
    previous: EmotionCounts
    top_contributors: tuple[Contributor, ...]
    hours: Mapping[int, int]

    @classmethod
    def of(
        cls,
        timezone: str,
        start: datetime,
        end: datetime,
        per_window: Iterable[tuple[bool, datetime | None, str | None, int]],
        active_people: int,
        top_contributors: Iterable[Contributor],
    ) -> "ChatSummary":
        """The summary from (in the current window, UTC hour, dominant emotion, photos)."""
        counts = list(per_window)
        now = [(hour, emotion, photos) for current, hour, emotion, photos in counts if current]
        return cls(
            timezone=timezone,
            start=start,
            end=end,
            photos=sum(photos for _, _, photos in now),
            active_people=active_people,
            emotions=EmotionCounts.of((emotion, photos) for _, emotion, photos in now),
            previous=EmotionCounts.of(
                (emotion, photos) for current, _, emotion, photos in counts if not current
            ),
            top_contributors=tuple(top_contributors),
            hours=local_hours(((hour, photos) for hour, _, photos in now), timezone),
        )

    @property
    def negative_change(self) -> float | None:
        """How much the negative share rose (or fell, below 0) against the previous window;
        None when either window has no face to judge."""
        now, before = self.emotions.negative_share, self.previous.negative_share
        if now is None or before is None:
            return None
        return now - before


def local_hours(
    per_utc_hour: Iterable[tuple[datetime | None, int]], timezone: str
) -> dict[int, int]:
    """Photos per local hour of day from photos per UTC hour: each UTC hour goes to the local
    hour holding its middle (exact except in zones half an hour off UTC)."""
    zone = ZoneInfo(timezone)
    hours: dict[int, int] = {}
    for utc_hour, photos in per_utc_hour:
        if utc_hour is not None:
            local = (utc_hour + timedelta(minutes=30)).astimezone(zone).hour
            hours[local] = hours.get(local, 0) + photos
    return hours


def streaks(days: Sequence[DayCounts]) -> tuple[Streak | None, Streak | None]:
    """The longest streak (the latest of equals) and the current one, of consecutive `days`."""
    runs: list[Streak] = []
    for day in days:
        mood = day.emotions.most_frequent
        if mood is None:
            continue
        last = runs[-1] if runs else None
        if last and last.emotion == mood and last.last_day == day.day - timedelta(days=1):
            runs[-1] = Streak(mood, last.days + 1, last.first_day, day.day)
        else:
            runs.append(Streak(mood, 1, day.day, day.day))
    if not runs:
        return None, None
    longest = max(reversed(runs), key=lambda run: run.days)
    alive = runs[-1].last_day >= days[-1].day - timedelta(days=1)
    return longest, runs[-1] if alive else None
