"""Trouble a fake server makes on purpose: a share of requests answered 500 or cut off without
an answer, and 429 storms. Seeded, so a failing run replays the same trouble."""

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["500", "drop", "429"]


@dataclass(frozen=True)
class Fault:
    """What one request gets instead of its answer; `retry_after` (seconds) for a 429."""

    kind: FaultKind
    retry_after: int = 0


@dataclass
class Faults:
    """Switched on by tests while the fake serves: `error_share` of the requests it may fail
    get a 500, `drop_share` have their connection closed unanswered, and during a `storm` every
    request that may be rate limited gets a 429 with a retry_after drawn from 1-5 s; after
    `budget` faults (if given), no more. `injected` counts what was done, for reports."""

    error_share: float = 0.0
    drop_share: float = 0.0
    seed: int = 0
    budget: int | None = None
    injected: Counter[FaultKind] = field(default_factory=Counter)
    _storm_until: float = 0.0
    _storm_retry_after: tuple[int, int] = (1, 5)
    _random: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def storm(self, seconds: float, retry_after: tuple[int, int] = (1, 5)) -> None:
        """Every rate-limited request for the next `seconds` gets a 429."""
        self._storm_until = time.perf_counter() + seconds
        self._storm_retry_after = retry_after

    def calm(self) -> None:
        """No more trouble from now on (counts are kept)."""
        self.error_share = self.drop_share = 0.0
        self._storm_until = 0.0

    @property
    def storming(self) -> bool:
        return time.perf_counter() < self._storm_until

    def draw(self, *, may_fail: bool, may_limit: bool) -> Fault | None:
        """The fault for one request, if any: a storm first, then 500s and drops by share."""
        fault: Fault | None = None
        if self.budget is not None and self.injected.total() >= self.budget:
            return None
        if may_limit and self.storming:
            fault = Fault("429", self._random.randint(*self._storm_retry_after))
        elif may_fail:
            roll = self._random.random()
            if roll < self.error_share:
                fault = Fault("500")
            elif roll < self.error_share + self.drop_share:
                fault = Fault("drop")
        if fault is not None:
            self.injected[fault.kind] += 1
        return fault
