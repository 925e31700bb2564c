"""/healthz and Prometheus /metrics: what operators scrape from `ferbot run`."""

import socket

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from ferbot.metrics import start_monitoring
from ferbot.settings import MetricsSettings
from tests.bot.conftest import Harness
from tests.images import FACE_JPEG


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def scrape(port: int, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}{path}") as response,
    ):
        return response.status, await response.text()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_count_replies_engine_requests_batches_and_errors_by_kind(
    harness: Harness,
) -> None:
    port = free_port()
    runner = await start_monitoring(
        MetricsSettings(enabled=True, port=port), harness.engine, harness.bot.tally, lambda: True
    )
    try:
        await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
        await harness.bot.handle(harness.photo(b"not a picture"))
        await harness.say("/help")
        status, text = await scrape(port, "/metrics")
    finally:
        await runner.cleanup()
    assert status == 200
    found = samples(text)
    assert found[("ferbot_replies_total", (("event", "Photo"),))] == 2
    assert found[("ferbot_replies_total", (("event", "Command"),))] == 1
    assert found[("ferbot_engine_requests_total", ())] == 1
    assert found[("ferbot_errors_total", (("kind", "bad_image"),))] == 1
    assert found[("ferbot_engine_queue_depth", ())] == 0
    assert found[("ferbot_engine_batch_faces_count", ())] == 1
    assert found[("ferbot_engine_stage_seconds", (("stage", "cnn"),))] > 0


async def test_healthz_answers_503_once_the_process_is_unhealthy(harness: Harness) -> None:
    port = free_port()
    healthy = [True]
    runner = await start_monitoring(
        MetricsSettings(enabled=True, port=port),
        harness.engine,
        harness.bot.tally,
        lambda: healthy[0],
    )
    try:
        assert (await scrape(port, "/healthz"))[0] == 200
        healthy[0] = False
        assert (await scrape(port, "/healthz"))[0] == 503
    finally:
        await runner.cleanup()


def test_metrics_are_off_and_bound_to_loopback_by_default() -> None:
    assert MetricsSettings() == MetricsSettings(enabled=False, listen="127.0.0.1")
