"""`ferbot make-tiny-models`: tiny random models to try the bot, or a test, with no download."""

from pathlib import Path

import click


@click.command("make-tiny-models")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def make_tiny_models(folder: Path) -> None:
    """Write tiny random models and a config naming them into FOLDER (for tests and demos)."""
    from fer_engine.testing import save_tiny_models

    click.echo(save_tiny_models(folder))
