"""The retention promise kept: analyses older than `storage.retention_days` are deleted daily.

The purge runs on the digests' scheduler at `bot.purge_cron` (UTC). Each run claims its due
time in the store first, so of several bot replicas sharing a database one purges; and the
latest run is tried again at start-up, so a run missed while the bot was down is done then.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.schedule import Schedule, last_due
from storage import Store

log = logging.getLogger(__name__)
JOB = "purge"


class RetentionPurge:
    """Deletes the analyses past the retention window once per due time, whoever runs it."""

    def __init__(
        self,
        store: Store,
        cron: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._trigger = Schedule(cron).trigger("UTC")
        self._clock = clock

    async def start(self, scheduler: AsyncIOScheduler) -> None:
        """Plan the daily run on `scheduler` and do the latest one now unless already done."""
        scheduler.add_job(self.run_due, self._trigger, id=f"maintenance:{JOB}", coalesce=True)
        await self.run_due()

    async def run_due(self) -> int | None:
        """Purge for the latest due time unless someone claimed it; how many analyses went,
        None when another run (here before a restart, or on another replica) had it."""
        now = self._clock()
        due = last_due(self._trigger, now)
        if due is None or not await self._store.claim_maintenance(JOB, due):
            return None
        purged = await self._store.purge_expired(now)
        log.info("retention purge due %s: analyses deleted: %d", due.isoformat(), purged)
        return purged
