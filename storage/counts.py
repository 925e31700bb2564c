"""The grouped counts that summaries are made of, computed by the database on its indexes.

Each query reads one range of an index on (person or chat, time, ...) and sends back a row
per group, never a row per analysis, so its cost follows the window, not the table.
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Label, Row, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Analysis, Person


def between(start: datetime, end: datetime) -> ColumnElement[bool]:
    """Analyses sent from `start` up to, not including, `end`."""
    return (Analysis.created_at >= start) & (Analysis.created_at < end)


async def per_day(
    connection: AsyncConnection, person_id: int, bounds: Sequence[datetime]
) -> list[Row[Any]]:
    """(day index, dominant emotion, photos) of one person between the first and last bound.

    The day is found by comparing with the UTC instants of the local midnights in `bounds`,
    which keeps the counting in the database on any time zone's rules.
    """
    day = case(*((Analysis.created_at < bound, index) for index, bound in enumerate(bounds[1:])))
    where = (Analysis.person_id == person_id, between(bounds[0], bounds[-1]))
    return await _count_by(connection, day.label("day"), where)


async def per_window_and_person(
    connection: AsyncConnection, chat_id: int, since: datetime, start: datetime, end: datetime
) -> list[Row[Any]]:
    """(current, person id, dominant emotion, photos) of one chat from `since` to `end`;
    `current` tells the window from `start` from the one before it."""
    current = (Analysis.created_at >= start).label("current")
    where = (Analysis.chat_id == chat_id, between(since, end))
    return await _count_by(connection, current, where, Analysis.person_id)


async def top_contributors(
    connection: AsyncConnection, chat_id: int, start: datetime, end: datetime, top: int
) -> list[Row[Any]]:
    """(user id, display name, photos) of the `top` senders to a chat in the window who did
    not opt out of being named, most photos first."""
    photos = func.count().label("photos")
    query = (
        select(Person.platform_user_id, Person.display_name, photos)
        .select_from(Analysis)
        .join(Person, Person.id == Analysis.person_id)
        .where(Analysis.chat_id == chat_id, between(start, end))
        .where(Person.opt_out_summaries.is_(False))
        .group_by(Person.id, Person.platform_user_id, Person.display_name)
        .order_by(photos.desc(), Person.id)
        .limit(top)
    )
    return list(await connection.execute(query))


async def per_utc_hour(
    connection: AsyncConnection, chat_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, int]]:
    """(UTC hour, photos) of one chat in the window: at most 24 rows a day, whatever its size.

    The hour is cut from the stored instant by each database's own means (SQLite keeps UTC
    text, PostgreSQL a timestamptz); the caller turns UTC hours into the chat's local ones.
    """
    if connection.dialect.name == "sqlite":
        hour = func.substr(Analysis.created_at, 1, 13)
    else:
        hour = func.date_trunc("hour", func.timezone("UTC", Analysis.created_at))
    hours = (
        select(hour.label("hour"))
        .where(Analysis.chat_id == chat_id, between(start, end))
        .subquery()
    )
    query = select(hours.c.hour, func.count()).group_by(hours.c.hour)
    return [(_utc_hour(value), photos) for value, photos in await connection.execute(query)]


def _utc_hour(value: str | datetime) -> datetime:
    if isinstance(value, str):  # SQLite: "YYYY-MM-DD HH"
        return datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return value.replace(tzinfo=UTC)


async def _count_by(
    connection: AsyncConnection,
    bucket: Label[Any],
    where: Iterable[ColumnElement[bool]],
    *columns: Any,
) -> list[Row[Any]]:
    """Photos per (`bucket`, `columns`, dominant emotion) among the analyses `where` picks.

    `bucket` holds bound parameters, and PostgreSQL does not match an expression with
    parameters in SELECT to the same one in GROUP BY; grouping a subquery's columns names the
    bucket once.
    """
    rows = select(bucket, *columns, Analysis.dominant_emotion).where(*where).subquery()
    keys = [
        rows.c[bucket.name],
        *(rows.c[column.key] for column in columns),
        rows.c.dominant_emotion,
    ]
    query = select(*keys, func.count().label("photos")).group_by(*keys)
    return list(await connection.execute(query))
