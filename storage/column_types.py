"""Column types that store the same values the same way on SQLite and PostgreSQL."""

import re
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, String
from sqlalchemy.types import TypeDecorator

# SQLite gives a row id only to a column declared exactly INTEGER PRIMARY KEY; PostgreSQL ids
# are 64-bit so that years of analyses never run out.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A moment: timezone-aware in Python, UTC in the database, aware UTC when read back.

    PostgreSQL keeps it as timestamptz. SQLite has no time zone type, so it keeps naive UTC
    text of one fixed width, which sorts and compares in time order. A naive datetime is
    refused: its zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: give it a time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


class AnyText(TypeDecorator[str]):
    """Text that round-trips any Python string, NUL characters included.

    PostgreSQL's text cannot hold NUL (SQLite's can), and names and captions come from
    strangers. On PostgreSQL a backslash is stored doubled and NUL as backslash-zero, which
    keeps equality and uniqueness: the escaping is one-to-one.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "postgresql":
            return value
        return value.replace("\\", "\\\\").replace("\x00", "\\0")

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "postgresql":
            return value
        return _ESCAPED.sub(_unescape, value)


def _unescape(match: re.Match[str]) -> str:
    return "\x00" if match.group(1) == "0" else match.group(1)
