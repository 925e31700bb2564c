"""`ferbot db upgrade|downgrade`: the database schema, without loading any model."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

import click

from ferbot.cli._root import settings_of
from storage.engine import Database
from storage.migrate import current_revision, downgrade, upgrade
from storage.settings import StorageSettings, printable_url

log = logging.getLogger("ferbot")


@click.group()
def db() -> None:
    """The database schema: bring it to the latest revision, or back to an older one."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the migrations up to REVISION (default: the latest). The bot does this at start-up."""
    _migrate(settings_of(ctx).storage, upgrade, revision)


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Undo the migrations after REVISION ("base": drop every table the store made)."""
    _migrate(settings_of(ctx).storage, downgrade, revision)


def _migrate(
    settings: StorageSettings,
    step: Callable[[Database, str], Awaitable[None]],
    revision: str,
) -> None:
    async def run() -> str | None:
        database = Database(settings)
        try:
            await step(database, revision)
            return await current_revision(database)
        finally:
            await database.close()

    try:
        reached = asyncio.run(run())
    except Exception as exc:
        log.info("migrating %s failed", printable_url(settings.url), exc_info=True)
        raise click.ClickException(f"cannot migrate {printable_url(settings.url)}: {exc}") from exc
    click.echo(f"{printable_url(settings.url)}: revision {reached or 'base (empty)'}")
