"""Scheduled group digests: APScheduler on the bot's loop, exactly once across restarts and
processes.

Jobs are rebuilt from the store at start-up (the store, not APScheduler, holds the schedules).
Each run claims its (chat, due time) in the store before sending: a run repeated after a
restart, or by a second bot process sharing the database, finds the claim taken and sends
nothing. At start-up the latest run missed while the bot was down is sent once if it is
within the grace time (older missed runs are coalesced into it). Every `resync_s` the jobs
are brought in line with the store again, so a schedule set through another bot replica is
kept here too: any replica may fire it, and the claim lets one send it.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest import build_digest
from bot.events import Conversation
from bot.outbox import Outbox
from bot.schedule import Schedule, last_due
from bot.texts import Texts, language_of
from storage import ScheduledChat, Store

log = logging.getLogger(__name__)
_RESYNC_JOB = "digest-resync"


class DigestScheduler:
    """Fires each chat's digest at its local schedule, DST included."""

    def __init__(
        self,
        store: Store,
        outbox: Outbox,
        grace_s: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        resync_s: float = 0.0,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._grace_s = grace_s
        self._clock = clock
        self._resync_s = resync_s
        self._planned: dict[str, tuple[str, str]] = {}  # job id: (cron line, time zone)
        self.scheduler = AsyncIOScheduler(timezone=UTC)

    async def start(self) -> None:
        """Schedule every chat that asked for digests, and send a recently missed run once."""
        self.scheduler.start()
        for scheduled in await self._store.scheduled_chats():
            self.schedule(scheduled)
            await self._catch_up(scheduled)
        if self._resync_s > 0:
            self.scheduler.add_job(
                self.resync, IntervalTrigger(seconds=self._resync_s), id=_RESYNC_JOB
            )

    async def resync(self) -> None:
        """Plan every schedule the store holds and drop those it no longer holds; a job
        whose schedule did not change keeps its next fire time."""
        scheduled = await self._store.scheduled_chats()
        wanted = {_job_id(s.chat.platform, s.chat.chat_id) for s in scheduled}
        for job_id in set(self._planned) - wanted:
            del self._planned[job_id]
            self.scheduler.remove_job(job_id)
        for one in scheduled:
            self.schedule(one)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def schedule(self, scheduled: ScheduledChat) -> None:
        """(Re)schedule a chat's digest from its settings; no cron line, or digests paused by
        an operator, removes it."""
        job_id = _job_id(scheduled.chat.platform, scheduled.chat.chat_id)
        cron = scheduled.settings.summary_cron
        paused = scheduled.settings.digests_paused
        plan = (cron, scheduled.settings.timezone) if cron is not None and not paused else None
        if plan is not None and self._planned.get(job_id) == plan:
            return
        if self._planned.pop(job_id, None) is not None:
            self.scheduler.remove_job(job_id)
        if plan is None:
            return
        self._planned[job_id] = plan
        self.scheduler.add_job(
            self.run_due,
            Schedule(cron).trigger(scheduled.settings.timezone),
            args=[scheduled.chat.platform, scheduled.chat.chat_id],
            id=job_id,
            coalesce=True,
            misfire_grace_time=int(self._grace_s),
        )

    async def run_due(self, platform: str, chat_id: str) -> bool:
        """Send the digest due now (the latest fire time not after now), unless someone
        already claimed it, or an operator paused the chat's digests (perhaps from another
        process, after this one planned the job). True if this call sent it."""
        scheduled = await self._store.scheduled_chat(platform, chat_id)
        if scheduled is None or scheduled.settings.summary_cron is None:
            return False
        if scheduled.settings.digests_paused:
            return False
        schedule = Schedule(scheduled.settings.summary_cron)
        now = self._clock()
        due = last_due(schedule.trigger(scheduled.settings.timezone), now)
        if due is None or not await self._store.claim_digest(platform, chat_id, due):
            return False
        chat = Conversation(platform, chat_id, scheduled.chat.kind, scheduled.chat.title)
        texts = Texts(language_of(None, scheduled.settings.language))
        reply = await build_digest(self._store, chat, schedule.window_days, texts, now)
        if reply is None:
            log.info("digest for %s:%s due %s: empty window, nothing sent", platform, chat_id, due)
            return False
        return await self._outbox.send(platform, chat_id, reply)

    async def _catch_up(self, scheduled: ScheduledChat) -> None:
        cron = scheduled.settings.summary_cron
        if cron is None:
            return
        now = self._clock()
        due = last_due(Schedule(cron).trigger(scheduled.settings.timezone), now)
        if due is not None and (now - due).total_seconds() <= self._grace_s:
            await self.run_due(scheduled.chat.platform, scheduled.chat.chat_id)


def _job_id(platform: str, chat_id: str) -> str:
    return f"digest:{platform}:{chat_id}"
