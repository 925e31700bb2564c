"""Our long polling's pacing: the pause that gathers answers between busy polls is only taken
while answers are still in progress."""

import asyncio
import contextlib
import time
from types import SimpleNamespace

import pytest

from adapters.telegram import _polling
from adapters.telegram._polling import AnsweredPolling


class _Application:
    """Just what AnsweredPolling uses: bot.get_updates, update_processor and process_update."""

    def __init__(self) -> None:
        self.polled_at: list[float] = []
        self.answered_at: list[float] = []
        self.bot = SimpleNamespace(get_updates=self._get_updates)
        self.update_processor = SimpleNamespace(process_update=self._process)

    async def _get_updates(self, offset: int, timeout: float, **_: object) -> tuple:
        self.polled_at.append(time.monotonic())
        if len(self.polled_at) == 1:
            return (SimpleNamespace(update_id=1),)
        await asyncio.sleep(timeout)  # a long poll with nothing new
        return ()

    async def _process(self, update: object, answering: object) -> None:
        await answering

    async def process_update(self, update: object) -> None:
        await asyncio.sleep(0.05)
        self.answered_at.append(time.monotonic())


async def test_with_nothing_left_in_flight_the_next_poll_follows_the_answer_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_polling, "_BATCH_S", 5.0)  # were it taken, it would show
    application = _Application()
    polling = AnsweredPolling(application, ["message"])  # type: ignore[arg-type]
    running = asyncio.create_task(polling.run())
    try:
        async with asyncio.timeout(3):
            while len(application.polled_at) < 2:
                await asyncio.sleep(0.01)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    assert application.polled_at[1] - application.answered_at[0] < 1.0
    assert polling.offset == 2
