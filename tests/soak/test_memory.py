"""Memory over many analyses through one engine (the short version of benchmarks/soak.py's
10,000): flat after warm-up, and no file descriptor or thread left behind."""

import asyncio

import pytest

from fer_engine.pipeline import Pipeline
from tests.conftest import whole_image
from tests.soak.memory import WARM_UP, MemoryReport, soak_engine

ANALYSES = 2 * WARM_UP


@pytest.fixture(scope="module")
def report(bundled_pipeline: Pipeline) -> MemoryReport:
    """One run shared by the tests below (it is the slow part)."""
    return asyncio.run(soak_engine(whole_image(bundled_pipeline), ANALYSES))


def test_resident_memory_grows_less_than_5_percent_after_warm_up(report: MemoryReport) -> None:
    assert report.growth < 0.05, [round(s.rss_mb) for s in report.samples]


def test_no_file_descriptor_is_left_open(report: MemoryReport) -> None:
    assert report.end.fds <= report.warm.fds


def test_no_thread_is_left_running(report: MemoryReport) -> None:
    assert report.end.threads <= report.warm.threads
