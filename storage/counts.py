"""The grouped counts that summaries are made of, computed by the database on its indexes.

Each query reads one range of an index on (person or chat, time, ...) and sends back a row
per group, never a row per analysis, so what crosses to Python follows the number of groups,
not of photos. The statements are built once (per window length) with bound parameters:
building a SQLAlchemy expression costs more than SQLite takes to run a small query.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Row,
    Select,
    bindparam,
    distinct,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Analysis, Person

# A per-day series is one SELECT a day joined by UNION ALL, and SQLite joins at most 500.
MAX_DAYS = 366


def between(start: Any, end: Any) -> ColumnElement[bool]:
    """Analyses sent from `start` up to, not including, `end`."""
    return (Analysis.created_at >= start) & (Analysis.created_at < end)


async def per_day(
    connection: AsyncConnection, person_id: int | None, bounds: Sequence[datetime]
) -> list[Row[Any]]:
    """(day index, dominant emotion, photos) of one person (of everyone: None) between the
    first and last bound."""
    if len(bounds) - 1 > MAX_DAYS:
        raise ValueError(f"a per-day series spans at most {MAX_DAYS} days")
    values = {f"bound_{index}": bound for index, bound in enumerate(bounds)}
    query = _per_day(len(bounds) - 1, person_id is not None)
    return list(await connection.execute(query, {"person_id": person_id, **values}))


async def per_window(
    connection: AsyncConnection, chat_id: int, since: datetime, start: datetime, end: datetime
) -> list[tuple[bool, datetime | None, str | None, int]]:
    """(current, UTC hour, dominant emotion, photos) of one chat from `since` to `end`.

    `current` tells the window from `start` from the one before it. The current window is
    counted per UTC hour too (the busiest hours come from the same scan); the previous one
    only per emotion, with no hour.
    """
    values = {"chat_id": chat_id, "since": since, "start": start, "end": end}
    rows = await connection.execute(_per_window(connection.dialect.name), values)
    return [
        (bool(current), None if hour is None else _utc_hour(hour), emotion, photos)
        for current, hour, emotion, photos in rows
    ]


async def active_people(
    connection: AsyncConnection, chat_id: int, start: datetime, end: datetime
) -> int:
    """How many people sent photos to a chat in the window, opted out or not."""
    values = {"chat_id": chat_id, "start": start, "end": end}
    return await connection.scalar(_ACTIVE_PEOPLE, values) or 0


async def top_contributors(
    connection: AsyncConnection, chat_id: int, start: datetime, end: datetime, top: int
) -> list[Row[Any]]:
    """(user id, display name, photos) of the `top` senders to a chat in the window who did
    not opt out of being named, most photos first."""
    values = {"chat_id": chat_id, "start": start, "end": end, "top": top}
    return list(await connection.execute(_TOP_CONTRIBUTORS, values))


def _utc_hour(value: str | datetime) -> datetime:
    if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH"
        return datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC)


@cache
def _per_day(days: int, one_person: bool) -> CompoundSelect:
    # One index range per day, counted apart: the database groups a few rows per emotion and
    # never evaluates which day each row falls on (a CASE over 30 bounds made SQLite 2.5x
    # slower for a person with 10,000 photos in the window).
    bounds = [bindparam(f"bound_{index}") for index in range(days + 1)]
    whose = Analysis.person_id == bindparam("person_id") if one_person else true()
    return union_all(
        *(
            select(literal(day).label("day"), Analysis.dominant_emotion, func.count())
            .where(whose)
            .where(between(bounds[day], bounds[day + 1]))
            .group_by(Analysis.dominant_emotion)
            for day in range(days)
        )
    )


def _in_chat_window() -> tuple[ColumnElement[bool], ...]:
    return Analysis.chat_id == bindparam("chat_id"), between(bindparam("start"), bindparam("end"))


@cache
def _per_window(dialect: str) -> CompoundSelect:
    # Each window is its own index range, counted apart: telling the windows apart row by row
    # (a `created_at >= start` column to group on) made SQLite 2.2x slower at 100k photos.
    # The hour is cut from the stored instant by each database's own means: SQLite keeps UTC
    # text, PostgreSQL a timestamptz.
    if dialect == "sqlite":
        hour = func.substr(Analysis.created_at, 1, 13)
    else:
        hour = func.date_trunc("hour", func.timezone("UTC", Analysis.created_at))
    in_chat = Analysis.chat_id == bindparam("chat_id")
    current = (
        select(literal(True).label("current"), hour.label("hour"), Analysis.dominant_emotion)
        .add_columns(func.count())
        .where(in_chat, between(bindparam("start"), bindparam("end")))
        .group_by(hour, Analysis.dominant_emotion)
    )
    previous = (
        select(literal(False), literal(None), Analysis.dominant_emotion, func.count())
        .where(in_chat, between(bindparam("since"), bindparam("start")))
        .group_by(Analysis.dominant_emotion)
    )
    return union_all(current, previous)


def _top_contributors() -> Select[Any]:
    # Counted per person on the index first, so that only the window's senders (not each of
    # their photos) are looked up in `people`.
    senders = (
        select(Analysis.person_id, func.count().label("photos"))
        .where(*_in_chat_window())
        .group_by(Analysis.person_id)
        .subquery()
    )
    return (
        select(Person.platform_user_id, Person.display_name, senders.c.photos)
        .join(senders, senders.c.person_id == Person.id)
        .where(Person.opt_out_summaries.is_(False))
        .order_by(senders.c.photos.desc(), Person.id)
        .limit(bindparam("top"))
    )


_ACTIVE_PEOPLE = select(func.count(distinct(Analysis.person_id))).where(*_in_chat_window())
_TOP_CONTRIBUTORS = _top_contributors()
