"""Counters and recent-latency windows the engine keeps for operators (`engine.stats()`)."""

from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass

_WINDOW = 2048


@dataclass(frozen=True)
class EngineStats:
    """A snapshot: load now, and what recent requests and batches looked like."""

    queue_depth: int
    waiting_for_batch: int
    requests: int
    errors: Mapping[str, int]
    batches: int
    batch_size_counts: Mapping[int, int]
    mean_batch_size: float
    max_batch_size: int
    latency_p50_s: float
    latency_p99_s: float
    stage_p50_s: Mapping[str, float]
    oom_splits: int
    warmup_s: float = 0.0  # compiling and recording the fast path at start-up


def percentile(values: list[float], q: float) -> float:
    """The `q`-quantile (0..1) by nearest rank; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class StatsRecorder:
    """Single-threaded (event loop) recorder; snapshots are cheap and copy nothing large."""

    def __init__(self) -> None:
        self.requests = 0
        self.errors: Counter[str] = Counter()
        self.batch_sizes: Counter[int] = Counter()
        self.oom_splits = 0
        self.warmup_s = 0.0
        self._latencies: deque[float] = deque(maxlen=_WINDOW)
        self._stages: dict[str, deque[float]] = {}

    def record_request(self, seconds: float) -> None:
        self.requests += 1
        self._latencies.append(seconds)

    def record_error(self, kind: str) -> None:
        self.errors[kind] += 1

    def record_batch(self, faces: int, timings: Mapping[str, float], oom_splits: int) -> None:
        self.batch_sizes[faces] += 1
        self.oom_splits += oom_splits
        self.record_stages(timings)

    def record_stages(self, timings: Mapping[str, float]) -> None:
        """Seconds per stage: per photo (decode, detect, crop) or per batch (model stages)."""
        for stage, seconds in timings.items():
            self._stages.setdefault(stage, deque(maxlen=_WINDOW)).append(seconds)

    def snapshot(self, queue_depth: int, waiting_for_batch: int) -> EngineStats:
        batches = sum(self.batch_sizes.values())
        faces = sum(size * count for size, count in self.batch_sizes.items())
        latencies = list(self._latencies)
        return EngineStats(
            queue_depth=queue_depth,
            waiting_for_batch=waiting_for_batch,
            requests=self.requests,
            errors=dict(self.errors),
            batches=batches,
            batch_size_counts=dict(sorted(self.batch_sizes.items())),
            mean_batch_size=faces / batches if batches else 0.0,
            max_batch_size=max(self.batch_sizes, default=0),
            latency_p50_s=percentile(latencies, 0.50),
            latency_p99_s=percentile(latencies, 0.99),
            stage_p50_s={stage: percentile(list(v), 0.50) for stage, v in self._stages.items()},
            oom_splits=self.oom_splits,
            warmup_s=self.warmup_s,
        )
