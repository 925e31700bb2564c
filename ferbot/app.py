"""The composition root: one engine, one store, one bot, and every configured adapter on one
event loop. Adapters and the dashboard are imported lazily, by setting: a process loads only
the platforms it serves."""

import asyncio
import logging
import os
import sys
from collections.abc import Mapping
from typing import Protocol

from bot.comments import CommentPicker
from bot.context import BotContext
from bot.core import Bot
from bot.outbox import Outbox
from bot.rate_limit import RateLimiter
from bot.replies import Reply
from bot.retention import RetentionPurge
from bot.scheduler import DigestScheduler
from fer_engine.service import EngineService, open_engine
from ferbot.metrics import start_monitoring
from ferbot.settings import Settings
from storage import Store

log = logging.getLogger(__name__)
TELEGRAM_TOKEN = "TELEGRAM_TOKEN"
DISCORD_TOKEN = "DISCORD_TOKEN"


class Adapter(Protocol):
    """A platform edge: turns its updates into events for `bot` until cancelled, and sends
    what the bot says on its own (digests) to one of its chats."""

    name: str

    async def run(self, bot: Bot) -> None: ...

    async def send(self, chat_id: str, reply: Reply) -> None: ...


def build_adapters(settings: Settings, environ: Mapping[str, str], console: bool) -> list[Adapter]:
    """Telegram and Discord when their tokens are set; the console chat when asked or when
    nothing else is."""
    adapters: list[Adapter] = []
    if token := environ.get(TELEGRAM_TOKEN):
        from adapters.telegram import WEBHOOK_SECRET, TelegramAdapter

        secret = environ.get(WEBHOOK_SECRET)
        adapters.append(TelegramAdapter(token, settings.telegram, webhook_secret=secret))
    if token := environ.get(DISCORD_TOKEN):
        from adapters.discord_adapter import DiscordAdapter

        adapters.append(DiscordAdapter(token, settings.discord))
    if console or not adapters:
        from adapters.console import ConsoleAdapter, stdin_lines

        adapters.append(ConsoleAdapter(stdin_lines(), sys.stdout))
    return adapters


def build_bot(engine: EngineService, store: Store, settings: Settings, outbox: Outbox) -> Bot:
    limits = RateLimiter(settings.bot.photos_per_window, settings.bot.rate_window_s)
    digests = DigestScheduler(
        store, outbox, settings.bot.digest_grace_s, resync_s=settings.bot.schedule_sync_s
    )
    return Bot(BotContext(engine, store, settings, CommentPicker(), limits, digests))


async def start_schedules(context: BotContext) -> None:
    """Plan the digests and the daily retention purge on one scheduler, and do now what either
    missed while the bot was down."""
    await context.digests.start()
    purge = RetentionPurge(context.store, context.settings.bot.purge_cron)
    await purge.start(context.digests.scheduler)


async def run(settings: Settings, console: bool = False, *, dashboard_only: bool = False) -> None:
    """Serve every configured platform, and the dashboard when enabled, until one stops (the
    console at /quit) or we are cancelled; then finish what the engine has in flight and close
    the store. `dashboard_only`: the dashboard alone, which sends no digests (no platform runs
    in its process to send them; the bot's own process does)."""
    adapters = [] if dashboard_only else build_adapters(settings, os.environ, console)
    dashboard = None
    if dashboard_only or settings.dashboard.enabled:
        from dashboard.server import Dashboard

        dashboard = Dashboard(settings.dashboard, os.environ)
    try:
        engine = await open_engine(settings.engine)
    except BaseException:
        if dashboard:
            dashboard.close()
        raise
    try:
        async with await Store.open(settings.storage) as store:
            outbox = Outbox()
            for adapter in adapters:
                outbox.register(adapter.name, adapter.send)
            bot = build_bot(engine, store, settings, outbox)
            tasks = [
                asyncio.create_task(adapter.run(bot), name=adapter.name) for adapter in adapters
            ]
            if dashboard:
                tasks.append(asyncio.create_task(dashboard.serve(bot.context), name="dashboard"))
                log.info("dashboard at %s", dashboard.url)
            log.info("ferbot running: %s", ", ".join(task.get_name() for task in tasks))
            monitoring = None
            if settings.metrics.enabled:
                monitoring = await start_monitoring(
                    settings.metrics, engine, bot.tally, lambda: not any(t.done() for t in tasks)
                )
            if adapters:
                await start_schedules(bot.context)
            try:
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            finally:
                bot.context.digests.shutdown()
                if monitoring is not None:
                    await monitoring.cleanup()
                # One task stopped, or we were cancelled (Ctrl-C): stop the others here and
                # let them finish their answers, before asyncio cancels every task at once.
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
            for task in done:
                task.result()
    finally:
        await engine.close()
        if dashboard:
            dashboard.close()
