from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from storage import StorageSettings, Store
from storage.engine import Database
from storage.models import Analysis

from .builders import photo

# What each database holds, written out as UTC text by the database itself.
KEPT_AS_UTC_TEXT = {
    "sqlite": "SELECT created_at FROM analyses",
    "postgresql": (
        "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM analyses"
    ),
}


async def test_a_moment_is_kept_in_utc_and_read_back_aware_in_utc(
    store: Store, storage_settings: StorageSettings
) -> None:
    await store.record(photo("1", "2026-03-31T21:30:00.250000+09:00"))
    database = Database(storage_settings)
    async with database.reading() as connection:
        kept = await connection.scalar(text(KEPT_AS_UTC_TEXT[database.dialect]))
        read = await connection.scalar(select(Analysis.created_at))
    await database.close()
    assert kept == "2026-03-31 12:30:00.250000"
    assert read == datetime(2026, 3, 31, 12, 30, 0, 250000, tzinfo=UTC)
    assert read is not None and read.utcoffset() is not None and read.tzinfo == UTC


async def test_a_moment_without_a_time_zone_is_refused(storage_settings: StorageSettings) -> None:
    database = Database(storage_settings)
    with pytest.raises(StatementError, match="naive datetime"):
        async with database.reading() as connection:
            await connection.execute(
                select(Analysis.id).where(Analysis.created_at < datetime(2026, 3, 31))
            )
    await database.close()
