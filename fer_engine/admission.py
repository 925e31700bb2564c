"""Admitting requests to an engine, local or remote: the queue limit, the timeout, the
counts of errors by kind and the latencies, and waiting for what is in flight at close."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fer_engine.errors import BadImage, EngineBusy, EngineClosed, EngineTimeout
from fer_engine.settings import ServingSettings
from fer_engine.stats import StatsRecorder

T = TypeVar("T")


class Admission:
    """Runs each request under `serving`'s limits; one per engine, on its event loop."""

    def __init__(self, serving: ServingSettings, stats: StatsRecorder) -> None:
        self.serving = serving
        self.stats = stats
        self.in_flight = 0
        self.closing = False
        self._drained = asyncio.Event()
        self._drained.set()

    async def run(
        self,
        call: Callable[[], Awaitable[T]],
        ready: Callable[[], Awaitable[None]] | None = None,
    ) -> T:
        """`await call()`, or `EngineClosed` / `EngineBusy` at once, or `EngineTimeout` after
        `timeout_s`; every outcome is counted. `ready` (an engine's warm-up) is awaited once
        admitted but before the clock starts: a request never times out on a start-up."""
        if self.closing:
            self.stats.record_error("closed")
            raise EngineClosed()
        if self.in_flight >= self.serving.queue_size:
            self.stats.record_error("busy")
            raise EngineBusy()
        self.in_flight += 1
        self._drained.clear()
        started = time.perf_counter()
        try:
            if ready is not None:
                await ready()
            async with asyncio.timeout(self.serving.timeout_s):
                result = await call()
        except TimeoutError:
            self.stats.record_error("timeout")
            raise EngineTimeout() from None
        except BadImage:
            self.stats.record_error("bad_image")
            raise
        except EngineBusy:
            self.stats.record_error("busy")
            raise
        except Exception:
            self.stats.record_error("internal")
            raise
        finally:
            self.in_flight -= 1
            if self.in_flight == 0:
                self._drained.set()
        self.stats.record_request(time.perf_counter() - started)
        return result

    async def close(self) -> bool:
        """Refuse new requests and wait for those in flight; False if already closing."""
        if self.closing:
            return False
        self.closing = True
        await self._drained.wait()
        return True
