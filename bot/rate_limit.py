"""Per-person photo limits: a sliding window, so a burst is refused politely, not queued."""

import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` events per `window_s` seconds for each key."""

    def __init__(
        self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def wait_s(self, key: str) -> float:
        """0 and the event is counted, or how many seconds until the key may send again."""
        now = self._clock()
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window_s:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.window_s - now
        events.append(now)
        self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        # Keys whose window is empty would otherwise pile up for every person ever seen.
        if len(self._events) > 10_000:
            idle = [k for k, v in self._events.items() if not v or v[-1] <= now - self.window_s]
            for key in idle:
                del self._events[key]
