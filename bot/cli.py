"""The `ferbot` command line."""

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import click

from bot.photo_report import PhotoReport
from bot.settings import Settings, SettingsError, load_settings
from bot.train_commands import evaluate, train
from fer_engine import Engine, EngineError, UserFacingError
from storage.engine import Database
from storage.migrate import current_revision, downgrade, upgrade
from storage.settings import StorageSettings, printable_url

log = logging.getLogger("ferbot")

INTERNAL_ERROR = "Something went wrong on my side while reading this photo."

# The CLI keeps this many photos in flight: enough to fill batches, well under the queue size.
_CLI_CONCURRENCY = 32


@click.group()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (default: $FERBOT_CONFIG, else ./config.toml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: bool) -> None:
    """ferbot: facial emotion recognition for chat."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    ctx.obj = config_path


def _settings(ctx: click.Context) -> Settings:
    try:
        return load_settings(ctx.obj)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.argument("photos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line.")
@click.pass_context
def analyze(ctx: click.Context, photos: tuple[Path, ...], as_json: bool) -> None:
    """Find every face in PHOTOS and name its emotion.

    Exits 1 when any photo could not be analysed (its line says why), 2 when the models
    cannot be loaded.
    """
    settings = _settings(ctx)
    try:
        reports = asyncio.run(_analyze_all(settings, photos, as_json))
    except EngineError as exc:
        click.echo(f"ferbot: {exc}", err=True)
        sys.exit(2)
    if any(report.error is not None for report in reports):
        sys.exit(1)


async def _analyze_all(
    settings: Settings, photos: tuple[Path, ...], as_json: bool
) -> list[PhotoReport]:
    engine = await Engine.load(settings.engine)
    slots = asyncio.Semaphore(min(_CLI_CONCURRENCY, settings.engine.serving.queue_size))

    async def one(path: Path) -> PhotoReport:
        async with slots:
            return await _analyze_one(engine, path)

    async with engine:
        tasks = [asyncio.create_task(one(path)) for path in photos]
        reports = []
        # Printed in the order given, each as soon as it and those before it are done.
        for task in tasks:
            report = await task
            click.echo(report.to_json() if as_json else report.to_text())
            reports.append(report)
    return reports


async def _analyze_one(engine: Engine, path: Path) -> PhotoReport:
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        return PhotoReport(str(path), None, f"cannot read the file: {exc.strerror or exc}")
    try:
        return PhotoReport(str(path), await engine.analyze(data), None)
    except UserFacingError as exc:
        return PhotoReport(str(path), None, exc.message)
    except Exception:
        log.exception("analysing %s failed", path)
        return PhotoReport(str(path), None, INTERNAL_ERROR)


@main.command()
@click.option("--console", is_flag=True, help="Also chat in this terminal when bots run.")
@click.pass_context
def run(ctx: click.Context, console: bool) -> None:
    """Run the bot: Telegram and Discord when $TELEGRAM_TOKEN and $DISCORD_TOKEN are set,
    else a chat in this terminal."""
    from bot.app import run as run_bot

    settings = _settings(ctx)
    try:
        asyncio.run(run_bot(settings, console))
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    except EngineError as exc:
        click.echo(f"ferbot: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        pass


@main.command("make-tiny-models")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def make_tiny_models(folder: Path) -> None:
    """Write tiny random models and a config naming them into FOLDER (for tests and demos)."""
    from fer_engine.random_models import save_tiny_models

    click.echo(save_tiny_models(folder))


main.add_command(train)
main.add_command(evaluate)


@main.group()
def db() -> None:
    """The database schema: bring it to the latest revision, or back to an older one."""


@db.command("upgrade")
@click.argument("revision", default="head")
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the migrations up to REVISION (default: the latest). The bot does this at start-up."""
    _migrate(_settings(ctx).storage, upgrade, revision)


@db.command("downgrade")
@click.argument("revision")
@click.pass_context
def db_downgrade(ctx: click.Context, revision: str) -> None:
    """Undo the migrations after REVISION ("base": drop every table the store made)."""
    _migrate(_settings(ctx).storage, downgrade, revision)


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
