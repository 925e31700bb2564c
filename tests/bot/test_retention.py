"""The daily retention purge: once per due time across replicas, and a missed run on start."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.retention import RetentionPurge
from storage import StorageSettings, Store
from tests.storage.builders import photo

DAILY_0330 = "30 3 * * *"
RETENTION_DAYS = 30
DUE = datetime(2026, 3, 31, 3, 30, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}"
    settings = StorageSettings(url=url, retention_days=RETENTION_DAYS)
    async with await Store.open(settings) as opened:
        yield opened


def purge_at(store: Store, now: datetime) -> RetentionPurge:
    return RetentionPurge(store, DAILY_0330, clock=lambda: now)


async def record_aged(store: Store, now: datetime, *days: int) -> None:
    for age in days:
        await store.record(photo(f"{age}d", (now - timedelta(days=age)).isoformat()))


async def test_of_two_replicas_one_purges_each_due_time(store: Store) -> None:
    now = DUE + timedelta(minutes=1)
    await record_aged(store, now, RETENTION_DAYS + 1, 1)
    first, second = purge_at(store, now), purge_at(store, now)
    assert await first.run_due() == 1
    assert await second.run_due() is None


async def test_the_next_day_is_a_new_run(store: Store) -> None:
    today = DUE + timedelta(minutes=1)
    assert await purge_at(store, today).run_due() == 0
    tomorrow = today + timedelta(days=1)
    await record_aged(store, tomorrow, RETENTION_DAYS + 1)
    assert await purge_at(store, tomorrow).run_due() == 1


async def test_a_run_missed_while_down_is_done_at_start_and_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="bot.retention")
    now = DUE + timedelta(hours=5)  # the bot was down at 03:30
    await record_aged(store, now, RETENTION_DAYS + 1, RETENTION_DAYS + 2, 1)
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start()
    try:
        await purge_at(store, now).start(scheduler)
        (job,) = scheduler.get_jobs()
        next_run = job.next_run_time
    finally:
        scheduler.shutdown(wait=False)
    assert "analyses deleted: 2" in caplog.text
    assert next_run.hour == 3 and next_run.minute == 30
    history = await store.person_history("telegram", "1001", days=90, now=now)
    assert [record.message_id for record in history.last] == ["1d"]
