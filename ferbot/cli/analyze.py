"""`ferbot analyze`: every face in some photos and its emotion, as text or JSON lines."""

import asyncio
import logging
import sys
from pathlib import Path

import click

from bot.photo_report import PhotoReport
from bot.texts import DEFAULT_LANGUAGE, Texts
from fer_engine import UserFacingError
from fer_engine.service import EngineService, open_engine
from ferbot.cli._root import loads_models, settings_of
from ferbot.settings import Settings

log = logging.getLogger("ferbot")

_ENGLISH = Texts(DEFAULT_LANGUAGE)  # what `ferbot analyze` says of a photo the engine refused
INTERNAL_ERROR = "Something went wrong on my side while reading this photo."

# The CLI keeps this many photos in flight: enough to fill batches, well under the queue size.
_CLI_CONCURRENCY = 32


@click.command()
@click.argument("photos", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per photo per line.")
@click.pass_context
@loads_models
def analyze(ctx: click.Context, photos: tuple[Path, ...], as_json: bool) -> None:
    """Find every face in PHOTOS and name its emotion.

    Exits 1 when any photo could not be analysed (its line says why), 2 when the models
    cannot be loaded.
    """
    reports = asyncio.run(_analyze_all(settings_of(ctx), photos, as_json))
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
