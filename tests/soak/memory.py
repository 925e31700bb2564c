"""Many analyses through one engine, watching this process: resident memory, open file
descriptors and threads, sampled as it goes (Linux /proc). Shared by the soak test and
`benchmarks/soak.py`, which also draws the curve."""

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from tests.images import encode, noise

# Growth is measured from here: until then the allocator and the CPU kernels' caches (one
# entry per batch shape) fill up; a fresh process plateaus after about 1,000 (see the PNG).
WARM_UP = 1000
_IN_FLIGHT = 32  # enough to fill the engine's batches
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Sample:
    analyses: int
    rss_mb: float
    fds: int
    threads: int


@dataclass(frozen=True)
class MemoryReport:
    """The samples, first at 0 analyses; `warm` is the one taken after warm-up."""

    samples: list[Sample]
    warm: Sample

    @property
    def end(self) -> Sample:
        return self.samples[-1]

    @property
    def growth(self) -> float:
        """Resident memory at the end against after warm-up, as a share (0.01 = 1%)."""
        return self.end.rss_mb / self.warm.rss_mb - 1


def sample(analyses: int) -> Sample:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return Sample(
        analyses,
        pages * _PAGE / 2**20,
        len(os.listdir("/proc/self/fd")),
        len(os.listdir("/proc/self/task")),
    )


async def soak_engine(
    pipeline: Pipeline, analyses: int, samples: int = 40, progress: bool = False
) -> MemoryReport:
    """`analyses` distinct photos through one `Engine`, `_IN_FLIGHT` at a time, sampling
    `samples` times along the way (more than WARM_UP, or there is nothing to compare)."""
    every = max(1, analyses // samples)
    taken = [sample(0)]
    slots = asyncio.Semaphore(_IN_FLIGHT)
    done = 0
    bar = tqdm(total=analyses, desc="analyses", disable=not progress, unit="photo")

    async def one(number: int) -> None:
        nonlocal done
        async with slots:
            await engine.analyze(encode(noise(number, (48, 48)), "JPEG"))
        done += 1
        bar.update()
        if done % every == 0:
            taken.append(sample(done))

    async with Engine(pipeline, pipeline.settings.serving) as engine:
        await asyncio.gather(*(one(number) for number in range(analyses)))
    bar.close()
    taken.append(sample(analyses))
    warm = next(s for s in taken if s.analyses >= WARM_UP)
    return MemoryReport(taken, warm)


def draw(report: MemoryReport, path: Path) -> None:
    """Resident memory against analyses, warm-up shaded: the curve a person looks at."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.5))
    axes.plot([s.analyses for s in report.samples], [s.rss_mb for s in report.samples], marker=".")
    axes.axvspan(0, report.warm.analyses, color="grey", alpha=0.2, label="warm-up")
    axes.set_xlabel("analyses through one engine")
    axes.set_ylabel("resident memory (MB)")
    axes.set_title(f"growth after warm-up: {report.growth:+.2%}")
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
