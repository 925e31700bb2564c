"""Long polling that confirms an update to Telegram only once it has been answered.

Telegram forgets every update below the `offset` of the next getUpdates. python-telegram-bot's
Updater moves the offset past each batch as soon as it has fetched it, so the updates still
being answered when the process dies (a crash, SIGKILL, the machine going away) are lost:
never answered and never delivered again. Here the offset stays at the oldest update not yet
answered; after a restart Telegram delivers it again, and everything after it. An update
answered but not yet confirmed may then be answered twice; recording is idempotent per
message, so the store still counts each photo once.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

log = logging.getLogger(__name__)
T = TypeVar("T")

_LONG_POLL_S = 10  # how long Telegram holds a getUpdates open when nothing is pending
# While updates are being answered Telegram returns them (up to 100) at once on every poll,
# and each must be parsed again: between such polls, wait for one to finish (but no longer
# than _BUSY_POLL_S), then, if others are still being answered, a little more so that several
# finish per poll. With none left the next poll is a long one, which re-parses nothing and
# returns the moment a new update comes: waiting before it would only delay that update.
_BUSY_POLL_S = 0.25
_BATCH_S = 0.1
_FIRST_RETRY_S = 1.0
_LAST_RETRY_S = 30.0


class AnsweredPolling:
    """Feeds `application` the updates of long polling, each in its own task under the
    application's concurrency limit, and confirms a prefix only once all of it is answered."""

    def __init__(self, application: Application, allowed_updates: Sequence[str]) -> None:
        self._application = application
        self._allowed = list(allowed_updates)
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._newest = -1  # the highest update_id handed over so far

    @property
    def offset(self) -> int:
        """What the next getUpdates confirms: everything below the oldest unanswered update."""
        return min(self._in_flight, default=self._newest + 1)

    async def start(self) -> None:
        """Remove any webhook (Telegram refuses getUpdates while one is set)."""
        await _retrying("removing the webhook", self._application.bot.delete_webhook)

    async def run(self) -> None:
        """Poll until cancelled; then let the answers in progress finish and confirm them."""
        try:
            while True:
                updates = await _retrying("polling for updates", self._poll)
                for update in updates:
                    if update.update_id > self._newest:
                        self._hand_over(update)
                if self._in_flight:
                    await asyncio.wait(
                        self._in_flight.values(),
                        timeout=_BUSY_POLL_S,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    if not all(task.done() for task in self._in_flight.values()):
                        await asyncio.sleep(_BATCH_S)
        finally:
            if self._in_flight:
                await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
            with contextlib.suppress(TelegramError):
                await self._application.bot.get_updates(offset=self.offset, timeout=0)

    async def _poll(self) -> tuple[Update, ...]:
        timeout = 0 if self._in_flight else _LONG_POLL_S
        return await self._application.bot.get_updates(
            offset=self.offset, timeout=timeout, allowed_updates=self._allowed
        )

    def _hand_over(self, update: Update) -> None:
        self._newest = max(self._newest, update.update_id)
        task = asyncio.create_task(self._answer(update), name=f"telegram-update-{update.update_id}")
        self._in_flight[update.update_id] = task
        task.add_done_callback(lambda _: self._in_flight.pop(update.update_id, None))

    async def _answer(self, update: Update) -> None:
        application = self._application
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        except Exception:  # handlers' own errors went to the error handler already
            log.exception("answering telegram update %s failed", update.update_id)


async def _retrying(doing: str, call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, again and again after network trouble, waiting longer each time (up to
    30 s) or as long as Telegram asks; a refused token ends the adapter at once."""
    delay = _FIRST_RETRY_S
    while True:
        try:
            return await call()
        except InvalidToken:
            raise
        except TelegramError as exc:
            wait = _seconds(exc.retry_after) if isinstance(exc, RetryAfter) else delay
            log.warning("%s failed (%s); trying again in %.0f s", doing, exc, wait)
            await asyncio.sleep(wait)
            delay = min(2 * delay, _LAST_RETRY_S)


def _seconds(period: float | timedelta) -> float:
    return period.total_seconds() if isinstance(period, timedelta) else float(period)
