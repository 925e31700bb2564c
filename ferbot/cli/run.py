"""`ferbot run`: the bot on every configured platform until Ctrl-C."""

import asyncio
import contextlib

import click

from ferbot.cli._root import loads_models, settings_of
from ferbot.settings import Settings


@click.command()
@click.option("--console", is_flag=True, help="Also chat in this terminal when bots run.")
@click.pass_context
@loads_models
def run(ctx: click.Context, console: bool) -> None:
    """Run the bot: Telegram and Discord when $TELEGRAM_TOKEN and $DISCORD_TOKEN are set,
    else a chat in this terminal."""
    serve(settings_of(ctx), console=console)


def serve(settings: Settings, **options: bool) -> None:
    """Run the bot (or the dashboard alone) until Ctrl-C; start-up errors as one line."""
    from ferbot.app import run as run_bot

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings, **options))
