"""`/healthz` and Prometheus `/metrics` for operators, served by `ferbot run` when
`metrics.enabled` (off by default; bound to 127.0.0.1 unless configured otherwise).

Every value is read at scrape time from what the engine and the bot core already count, so
serving metrics costs nothing between scrapes.
"""

import logging
from collections.abc import Callable, Iterator

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)

from bot.tally import Tally
from fer_engine.service import EngineService
from ferbot.settings import MetricsSettings

log = logging.getLogger(__name__)


class FerbotCollector:
    """The engine's load, batches and latencies, and the bot's replies and errors."""

    def __init__(self, engine: EngineService, tally: Tally) -> None:
        self._engine = engine
        self._tally = tally

    def collect(self) -> Iterator[Metric]:
        stats = self._engine.stats()
        yield GaugeMetricFamily(
            "ferbot_engine_queue_depth", "Requests in the engine now.", value=stats.queue_depth
        )
        yield CounterMetricFamily(
            "ferbot_engine_requests", "Photos the engine answered.", value=stats.requests
        )
        yield _batch_histogram(stats.batch_size_counts)
        latency = GaugeMetricFamily(
            "ferbot_engine_latency_seconds",
            "Seconds per request over recent requests, by quantile.",
            labels=["quantile"],
        )
        latency.add_metric(["0.5"], stats.latency_p50_s)
        latency.add_metric(["0.99"], stats.latency_p99_s)
        yield latency
        stages = GaugeMetricFamily(
            "ferbot_engine_stage_seconds",
            "Median seconds of each engine stage over recent requests.",
            labels=["stage"],
        )
        for stage, seconds in sorted(stats.stage_p50_s.items()):
            stages.add_metric([stage], seconds)
        yield stages
        replies = CounterMetricFamily(
            "ferbot_replies", "Replies the bot sent, by the event answered.", labels=["event"]
        )
        for event, count in sorted(self._tally.replies.items()):
            replies.add_metric([event], count)
        yield replies
        errors = CounterMetricFamily(
            "ferbot_errors",
            "Errors by kind: the engine's (busy, timeout, bad_image, internal, closed) and "
            "the bot's (handler).",
            labels=["kind"],
        )
        for kind, count in sorted((stats.errors | self._tally.errors).items()):
            errors.add_metric([kind], count)
        yield errors


def _batch_histogram(counts: dict[int, int]) -> HistogramMetricFamily:
    buckets, seen = [], 0
    for size in sorted(counts):
        seen += counts[size]
        buckets.append((str(float(size)), seen))
    buckets.append(("+Inf", seen))
    return HistogramMetricFamily(
        "ferbot_engine_batch_faces",
        "Faces per model batch.",
        buckets=buckets,
        sum_value=sum(size * count for size, count in counts.items()),
    )


def monitoring_app(registry: CollectorRegistry, healthy: Callable[[], bool]) -> web.Application:
    """`/healthz`: 200 while `healthy()`, else 503; `/metrics`: the registry's text format."""

    async def healthz(_: web.Request) -> web.Response:
        if healthy():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "unhealthy"}, status=503)

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


async def start_monitoring(
    settings: MetricsSettings, engine: EngineService, tally: Tally, healthy: Callable[[], bool]
) -> web.AppRunner:
    """Serve `/healthz` and `/metrics` on `listen:port` until the runner is cleaned up."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(FerbotCollector(engine, tally))
    runner = web.AppRunner(monitoring_app(registry, healthy), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.listen, settings.port).start()
    log.info("metrics at http://%s:%d/metrics", settings.listen, settings.port)
    return runner
