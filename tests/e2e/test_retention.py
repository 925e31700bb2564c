"""The retention promise end to end: a photo older than `storage.retention_days` is deleted by
the daily purge, here the run missed while the bot was down and done as it starts again; a
newer photo stays. On SQLite and PostgreSQL, the clock moved by time_machine."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from fer_engine.pipeline import Pipeline
from storage import StorageSettings
from tests.e2e.conftest import ALICE, running_bot
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG
from tests.storage.conftest import latest_database_url, postgres_databases  # noqa: F401

RETENTION_DAYS = StorageSettings().retention_days
RESTART = datetime(2026, 3, 31, 12, tzinfo=UTC)  # after the purge due at 03:30 UTC


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_databases: list[str],  # noqa: F811 (the fixture imported above)
) -> str:
    """Each kind of database at the latest schema, holding no rows."""
    return await latest_database_url(request.param, tmp_path, postgres_databases, "retention")


async def test_a_photo_past_retention_is_purged_when_the_bot_starts_and_a_newer_one_stays(
    fake: FakeTelegram,
    aligned_bundled_pipeline: Pipeline,
    tmp_path: Path,
    database_url: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="bot.retention")
    photo = FACE_JPEG.read_bytes()
    before = RESTART - timedelta(days=RETENTION_DAYS + 1)
    with time_machine.travel(before, tick=True) as clock:
        async with running_bot(
            fake, aligned_bundled_pipeline, tmp_path, database_url=database_url
        ) as telegram:
            await telegram.push_and_wait(fake.photo_update(ALICE, photo))
            clock.move_to(RESTART - timedelta(days=1))
            await telegram.push_and_wait(fake.photo_update(ALICE, photo))
        clock.move_to(RESTART)
        async with running_bot(
            fake, aligned_bundled_pipeline, tmp_path, database_url=database_url
        ) as telegram:
            held = json.loads(await telegram.store.export_person("telegram", str(ALICE.id)) or "")
    days = [datetime.fromisoformat(analysis["at"]).date() for analysis in held["analyses"]]
    assert days == [(RESTART - timedelta(days=1)).date()]
    assert "analyses deleted: 1" in caplog.text
