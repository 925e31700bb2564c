"""The `ferbot` command line."""

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import click

from bot.photo_report import PhotoReport
from bot.settings import Settings, SettingsError, load_settings
from bot.texts import DEFAULT_LANGUAGE, Texts
from bot.train_commands import evaluate, train
from fer_engine import CheckpointMismatch, ModelUnavailable, UserFacingError
from fer_engine.service import EngineService, open_engine
from fer_engine.train.errors import TrainingError
from storage.engine import Database
from storage.migrate import current_revision, downgrade, upgrade
from storage.settings import StorageSettings, printable_url

log = logging.getLogger("ferbot")

_ENGLISH = Texts(DEFAULT_LANGUAGE)  # what `ferbot analyze` says of a photo the engine refused
INTERNAL_ERROR = "Something went wrong on my side while reading this photo."

_LOG_LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)  # by the number of -v
# The CLI keeps this many photos in flight: enough to fill batches, well under the queue size.
_CLI_CONCURRENCY = 32


class ModelsNotLoaded(click.ClickException):
    """The models could not be loaded: one line naming the setting to change, exit status 2
    (1 is for bad input, such as a photo that could not be read)."""

    exit_code = 2


class _Ferbot(click.Group):
    """The command group. Errors any command may meet become one line and an exit status
    here, once, instead of in every command."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (ModelUnavailable, CheckpointMismatch) as exc:
            raise ModelsNotLoaded(str(exc)) from exc
        except (SettingsError, TrainingError) as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Ferbot)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Settings file (default: $FERBOT_CONFIG, else ./config.toml).",
)
@click.option(
    "-v", "--verbose", count=True, help="Log progress to stderr (-vv: every DEBUG line too)."
)
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, verbose: int) -> None:
    """ferbot: facial emotion recognition for chat."""
    logging.basicConfig(
        level=_LOG_LEVELS[min(verbose, len(_LOG_LEVELS) - 1)],
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    ctx.obj = config_path


def _settings(ctx: click.Context) -> Settings:
    """The settings from --config (a `SettingsError` is shown as one line by the group)."""
    return load_settings(ctx.obj)


@main.command()
@click.argument("photos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line.")
@click.pass_context
def analyze(ctx: click.Context, photos: tuple[Path, ...], as_json: bool) -> None:
    """Find every face in PHOTOS and name its emotion.

    Exits 1 when any photo could not be analysed (its line says why), 2 when the models
    cannot be loaded.
    """
    reports = asyncio.run(_analyze_all(_settings(ctx), photos, as_json))
    if any(report.error is not None for report in reports):
        sys.exit(1)


async def _analyze_all(
    settings: Settings, photos: tuple[Path, ...], as_json: bool
) -> list[PhotoReport]:
    engine = await open_engine(settings.engine)
    slots = asyncio.Semaphore(min(_CLI_CONCURRENCY, settings.engine.serving.queue_size))

    async def one(path: Path) -> PhotoReport:
        async with slots:
            return await _analyze_one(engine, path)

    try:
        tasks = [asyncio.create_task(one(path)) for path in photos]
        reports = []
        # Printed in the order given, each as soon as it and those before it are done.
        for task in tasks:
            report = await task
            click.echo(report.to_json() if as_json else report.to_text())
            reports.append(report)
    finally:
        await engine.close()
    return reports


async def _analyze_one(engine: EngineService, path: Path) -> PhotoReport:
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        return PhotoReport(str(path), None, f"cannot read the file: {exc.strerror or exc}")
    try:
        return PhotoReport(str(path), await engine.analyze(data), None)
    except UserFacingError as exc:
        return PhotoReport(str(path), None, _ENGLISH(exc.code))
    except Exception:
        log.exception("analysing %s failed", path)
        return PhotoReport(str(path), None, INTERNAL_ERROR)


@main.command()
@click.option("--console", is_flag=True, help="Also chat in this terminal when bots run.")
@click.pass_context
def run(ctx: click.Context, console: bool) -> None:
    """Run the bot: Telegram and Discord when $TELEGRAM_TOKEN and $DISCORD_TOKEN are set,
    else a chat in this terminal."""
    _serve(_settings(ctx), console=console)


@main.command()
@click.option(
    "--hash-password",
    is_flag=True,
    help="Ask for a password and print its hash for $DASHBOARD_PASSWORD_HASH, then exit.",
)
@click.pass_context
def dashboard(ctx: click.Context, hash_password: bool) -> None:
    """Serve the operators' web dashboard alone (`ferbot run` serves it too when
    dashboard.enabled is true). The password hash comes from $DASHBOARD_PASSWORD_HASH."""
    if hash_password:
        from dashboard import hash_password as hashed

        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        click.echo(hashed(password))
        return
    _serve(_settings(ctx), dashboard_only=True)


def _serve(settings: Settings, **options: bool) -> None:
    """Run the bot (or the dashboard alone) until Ctrl-C; start-up errors as one line."""
    from bot.app import run as run_bot

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run_bot(settings, **options))


@main.command("serve-engine")
@click.option("--detach", is_flag=True, help="Deploy and return; the application keeps running.")
@click.pass_context
def serve_engine(ctx: click.Context, detach: bool) -> None:
    """Deploy the engine as a Ray Serve application on the Ray cluster at engine.ray.address
    (start one with `ray start --head`); bots with engine.backend = "ray" then use it.

    Runs until Ctrl-C (or SIGTERM), which removes the application, unless --detach.
    """
    from fer_engine.serve import deploy, join_cluster, undeploy

    settings = _settings(ctx).engine
    join_cluster(settings.ray)
    deploy(settings)
    ray_settings = settings.ray
    click.echo(
        f"engine {ray_settings.app_name} serving at "
        f"http://{ray_settings.http_host}:{ray_settings.http_port}{ray_settings.route_prefix}"
    )
    if detach:
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        signal.pause()
    except KeyboardInterrupt:
        undeploy(settings)


@main.command("make-tiny-models")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def make_tiny_models(folder: Path) -> None:
    """Write tiny random models and a config naming them into FOLDER (for tests and demos)."""
    from fer_engine.testing import save_tiny_models

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
