"""`ferbot train cnn|extract|head` and `ferbot eval`: the study's runs, one command each."""

import logging
from pathlib import Path

import click
import torch

from fer_engine.train.datasets import LAYOUTS, DatasetLayoutError, load_split

log = logging.getLogger("ferbot")

_DATA = click.option(
    "--data",
    "data",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="The dataset's folder (or FER2013's CSV).",
)
_LAYOUT = click.option(
    "--layout",
    type=click.Choice(LAYOUTS),
    default="imagefolder",
    show_default=True,
    help="How the dataset is stored.",
)
_DEVICE = click.option(
    "--device", default="auto", show_default=True, help="'auto' (a GPU if any), 'cpu', 'cuda'."
)
_THREADS = click.option(
    "--threads", type=int, default=None, help="CPU threads for torch (default: torch's choice)."
)


def _set_threads(threads: int | None) -> None:
    if threads:
        torch.set_num_threads(threads)


@click.group()
def train() -> None:
    """Train the engine's models: a CNN, cached features, fusion heads."""


@train.command("cnn")
@_DATA
@_LAYOUT
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--arch", type=click.Choice(["densenet121", "resnet18", "vgg16"]), default="resnet18")
@click.option("--augment", type=click.Choice(["none", "flip", "rotate", "crop"]), default="flip")
@click.option("--init", type=click.Choice(["none", "imagenet"]), default="none")
@click.option("--input-size", type=int, default=48, show_default=True)
@click.option("--margin", type=float, default=0.0, show_default=True)
@click.option("--epochs", type=int, default=30, show_default=True, help="At most this many.")
@click.option("--patience", type=int, default=5, show_default=True, help="Early stopping.")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--balance", type=click.Choice(["none", "loss", "sampler"]), default="none")
@click.option("--seed", type=int, default=0, show_default=True)
@_DEVICE
@_THREADS
def train_cnn_command(
    data: Path,
    layout: str,
    out: Path,
    device: str,
    threads: int | None,
    **options: object,
) -> None:
    """Train a CNN on DATA's train split, stopping early on its val split.

    OUT becomes an engine checkpoint (cnn.safetensors + a cnn head); run the same command
    again to resume an interrupted run.
    """
    from fer_engine.train.cnn_training import CnnTrainingConfig, train_cnn

    _set_threads(threads)
    config = CnnTrainingConfig(**options)
    try:
        train_split = load_split(data, layout, "train")
        val_split = load_split(data, layout, "val")
    except DatasetLayoutError as exc:
        raise click.ClickException(str(exc)) from exc
    note = f"{data} ({layout}): {len(train_split.images)} train, {len(val_split.images)} val"
    click.echo(note, err=True)
    history = train_cnn(config, train_split, val_split, out, device, note)
    best = max(history, key=lambda result: result.val_accuracy)
    click.echo(
        f"best epoch {best.epoch}: val accuracy {best.val_accuracy:.4f}, "
        f"macro-F1 {best.val_macro_f1:.4f}; checkpoint in {out}"
    )


@click.command("eval")
@_DATA
@_LAYOUT
@click.option(
    "--split", type=click.Choice(["train", "val", "test"]), default="test", show_default=True
)
@click.option(
    "--checkpoint",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A trained checkpoint folder (default: the configured engine).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object: accuracy, macro_f1, ...")
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write metrics.json, confusion.png and report.md into this folder.",
)
@click.pass_context
def evaluate(
    ctx: click.Context,
    data: Path,
    layout: str,
    split: str,
    checkpoint: Path | None,
    as_json: bool,
    report_dir: Path | None,
) -> None:
    """Accuracy, macro-F1 and per-class accuracy of the engine on a labelled split.

    Each image is taken whole as one aligned face. Exits 2 when the models cannot be loaded.
    """
    from bot.cli import _settings
    from fer_engine import EngineError
    from fer_engine.train.evaluation import checkpoint_settings, evaluate_engine
    from fer_engine.train.report import write_evaluation_report

    settings = _settings(ctx).engine
    if checkpoint is not None:
        settings = checkpoint_settings(settings, checkpoint)
    try:
        images = load_split(data, layout, split)
    except DatasetLayoutError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        result = evaluate_engine(settings, images)
    except EngineError as exc:
        click.echo(f"ferbot: {exc}", err=True)
        raise SystemExit(2) from exc
    name = f"{data.name} {split}" if layout != "imagefolder" else data.name
    if report_dir is not None:
        write_evaluation_report(result, name, report_dir)
    if as_json:
        click.echo(result.to_json())
        return
    report = result.report
    click.echo(
        f"{name}: {result.n} images, accuracy {report.accuracy:.4f}, macro-F1 {report.macro_f1:.4f}"
    )
    for emotion, share in report.per_class_accuracy.items():
        click.echo(f"  {emotion:<9} {share:.3f} ({report.support[emotion]})")
    for reason, count in result.skipped.items():
        click.echo(f"  skipped: {count} ({reason})")
