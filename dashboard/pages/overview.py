"""The overview: every chat's photos per day and emotions, who was active, how often people
corrected the bot (by platform and period), and the engine's load, batches, latency and
errors."""

import asyncio
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.charts import agreement_chart, history_chart
from bot.commands.stats import agreement_line
from dashboard.auth import page
from dashboard.rendering import png_data_url, render, texts_of
from dashboard.state import context_of

WINDOW_DAYS = 14
AGREEMENT_DAYS = (7, 30, 90)
PLATFORMS = ("telegram", "discord", "console")


@dataclass(frozen=True)
class EngineLine:
    """One row of the engine table: a label and its value, already formatted."""

    label: str
    value: str


@page
async def overview(request: Request) -> Response:
    """The last WINDOW_DAYS UTC days of every chat, with a chart, and the engine now."""
    ctx = context_of(request)
    texts = texts_of(request)
    activity = await ctx.store.activity(days=WINDOW_DAYS)
    chart = None
    if activity.photos:
        series = [(day.day, dict(day.emotions.counts)) for day in activity.days]
        png = await asyncio.to_thread(
            history_chart,
            dict(activity.emotions.counts),
            series,
            texts,
            texts("overview.chart_title"),
        )
        chart = png_data_url(png)
    platform = request.query_params.get("platform") or None
    platform = platform if platform in PLATFORMS else None
    period = request.query_params.get("days", "")
    days = int(period) if period.isdigit() and int(period) in AGREEMENT_DAYS else 30
    agreement = await ctx.store.agreement(days=days, platform=platform)
    agreement_png = await asyncio.to_thread(
        agreement_chart, agreement, texts, texts("overview.agreement_title")
    )
    stats = ctx.engine.stats()
    engine = [
        EngineLine(texts("overview.queue"), str(stats.queue_depth)),
        EngineLine(
            texts("overview.batch"), f"{stats.mean_batch_size:.1f} (max {stats.max_batch_size})"
        ),
        EngineLine(
            texts("overview.latency"),
            f"{stats.latency_p50_s * 1000:.0f} ms / {stats.latency_p99_s * 1000:.0f} ms",
        ),
        EngineLine(texts("overview.requests"), str(stats.requests)),
        EngineLine(texts("overview.model"), ctx.engine.model_version),
    ]
    return render(
        request,
        "overview.html",
        activity=activity,
        window_days=WINDOW_DAYS,
        chart=chart,
        engine=engine,
        errors=sorted(stats.errors.items()),
        agreement=agreement_line(agreement, days, texts),
        agreement_chart=png_data_url(agreement_png),
        platforms=PLATFORMS,
        platform=platform,
        periods=AGREEMENT_DAYS,
        days=days,
    )


ROUTES = [Route("/", overview, methods=["GET"])]
