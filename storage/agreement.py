"""How often people agree with the bot: of the faces it answered, the share nobody corrected,
and for the corrected ones, which emotion people chose instead (the operators' view)."""

import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import CompoundSelect, Select, bindparam, func, literal, select, true, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.counts import MAX_DAYS, between
from storage.emotions import EMOTIONS
from storage.models import Analysis, Chat, Correction


@dataclass(frozen=True)
class AgreementDay:
    """One day: the faces answered on photos sent that day, and how many of them were
    corrected (by the time of asking)."""

    day: date
    faces: int
    corrected: int

    @property
    def agreed(self) -> float | None:
        """The share of faces not corrected; None for a day without faces."""
        return 1 - self.corrected / self.faces if self.faces else None


@dataclass(frozen=True)
class Agreement:
    """Agreement over a window of UTC days, on one platform or all (`platform` None).

    `confusion[(answered, chosen)]` counts corrected faces by the emotion the bot answered
    and the one people chose instead.
    """

    platform: str | None
    days: tuple[AgreementDay, ...]
    confusion: Mapping[tuple[str, str], int]

    @property
    def faces(self) -> int:
        return sum(day.faces for day in self.days)

    @property
    def corrected(self) -> int:
        return sum(day.corrected for day in self.days)

    @property
    def agreed(self) -> float | None:
        """The share of the window's faces nobody corrected; None without faces."""
        return 1 - self.corrected / self.faces if self.faces else None

    def chosen_instead(self) -> list[tuple[str, int]]:
        """The emotions people chose in their corrections, the most chosen first."""
        chosen: Counter[str] = Counter()
        for (_, emotion), count in self.confusion.items():
            chosen[emotion] += count
        return sorted(chosen.items(), key=lambda item: (-item[1], EMOTIONS.index(item[0])))


async def agreement(
    connection: AsyncConnection, bounds: Sequence[datetime], platform: str | None
) -> Agreement:
    """Agreement between the first and last of `bounds` (midnights, one more than days)."""
    days = len(bounds) - 1
    if days > MAX_DAYS:
        raise ValueError(f"agreement spans at most {MAX_DAYS} days")
    values: dict[str, Any] = {f"bound_{index}": bound for index, bound in enumerate(bounds)}
    values["platform"] = platform
    faces = dict.fromkeys(range(days), 0)
    for day, count in await connection.execute(_faces_per_day(days, platform is not None), values):
        faces[day] = int(count or 0)
    corrected = dict.fromkeys(range(days), 0)
    confusion: Counter[tuple[str, str]] = Counter()
    rows = await connection.execute(
        _corrections(platform is not None), {"start": bounds[0], "end": bounds[-1], **values}
    )
    for created_at, stored_faces, face_index, chosen in rows:
        day = bisect.bisect_right(bounds, created_at) - 1
        corrected[day] += 1
        probabilities = stored_faces[face_index]["probabilities"]
        answered = EMOTIONS[max(range(len(EMOTIONS)), key=probabilities.__getitem__)]
        confusion[(answered, chosen)] += 1
    return Agreement(
        platform,
        tuple(AgreementDay(bounds[day].date(), faces[day], corrected[day]) for day in range(days)),
        dict(confusion),
    )


def _on_platform(query: Select[Any], filtered: bool) -> Select[Any]:
    if not filtered:
        return query.where(true())
    return query.join(Chat, Chat.id == Analysis.chat_id).where(
        Chat.platform == bindparam("platform")
    )


@cache
def _faces_per_day(days: int, filtered: bool) -> CompoundSelect:
    # One range of the time index per day, as the other per-day series are counted.
    bounds = [bindparam(f"bound_{index}") for index in range(days + 1)]
    return union_all(
        *(
            _on_platform(
                select(literal(day).label("day"), func.sum(Analysis.face_count))
                .select_from(Analysis)
                .where(between(bounds[day], bounds[day + 1])),
                filtered,
            )
            for day in range(days)
        )
    )


@cache
def _corrections(filtered: bool) -> Select[Any]:
    # Corrections are few next to faces: each comes back as a row, with its analysis's faces
    # to read what the bot answered.
    query = (
        select(Analysis.created_at, Analysis.faces, Correction.face_index, Correction.emotion)
        .join(Analysis, Analysis.id == Correction.analysis_id)
        .where(between(bindparam("start"), bindparam("end")))
    )
    return _on_platform(query, filtered)
