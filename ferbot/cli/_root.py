"""The `ferbot` group itself: its options, the errors any command may meet, and what the
commands share (the settings from --config, quiet model loading)."""

import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import click

from bot.settings import SettingsError
from fer_engine import CheckpointMismatch, ModelUnavailable
from fer_engine.train.errors import TrainingError
from ferbot.settings import Settings, load_settings

_LOG_LEVELS = (logging.WARNING, logging.INFO, logging.DEBUG)  # by the number of -v
P = ParamSpec("P")
R = TypeVar("R")


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
    ctx.obj = config_path


def settings_of(ctx: click.Context) -> Settings:
    """The settings from --config (a `SettingsError` is shown as one line by the group)."""
    return load_settings(ctx.obj)


def loads_models(command: Callable[P, R]) -> Callable[P, R]:
    """For a command that loads models: hub downloads draw no progress bars over its output.
    transformers is imported here, when such a command runs, so `ferbot db` never loads it."""

    @functools.wraps(command)
    def quietly(*args: P.args, **kwargs: P.kwargs) -> R:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        return command(*args, **kwargs)

    return quietly
