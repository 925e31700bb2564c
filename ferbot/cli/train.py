"""`ferbot train cnn|extract|head|calibrate|report|ship` and `ferbot eval`: the study's runs,
one command each, and the one way to measure a model's accuracy."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fer_engine.train.datasets import LAYOUTS, SPLITS, load_split
from ferbot.cli._root import loads_models, settings_of

if TYPE_CHECKING:
    from fer_engine.settings import EngineSettings
    from fer_engine.train.datasets import DatasetSplit
    from fer_engine.train.features import FeatureTable


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
        import torch

        torch.set_num_threads(threads)


@click.group()
@loads_models
def train() -> None:
    """Train the engine's models: a CNN, cached features, fusion heads."""


@train.command("cnn")
@_DATA
@_LAYOUT
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--arch",
    type=click.Choice(["densenet121", "resnet18", "vgg16", "fer_vgg"]),
    default="resnet18",
    help="fer_vgg: a VGG-style net for 48 px grey faces, trained from scratch.",
)
@click.option(
    "--augment",
    type=click.Choice(["none", "flip", "rotate", "crop", "full"]),
    default="flip",
    help="full: crop, flip, rotation and random erasing together.",
)
@click.option("--init", type=click.Choice(["none", "imagenet"]), default="none")
@click.option("--input-size", type=int, default=48, show_default=True)
@click.option("--margin", type=float, default=0.0, show_default=True)
@click.option("--epochs", type=int, default=30, show_default=True, help="At most this many.")
@click.option("--patience", type=int, default=5, show_default=True, help="Early stopping.")
@click.option("--batch-size", type=int, default=64, show_default=True)
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--weight-decay", type=float, default=1e-4, show_default=True)
@click.option("--optimizer", type=click.Choice(["adamw", "sgd"]), default="adamw")
@click.option("--label-smoothing", type=float, default=0.0, show_default=True)
@click.option("--flip-tta/--no-flip-tta", default=False, help="Also read each face mirrored.")
@click.option("--width", type=int, default=32, show_default=True, help="fer_vgg's first width.")
@click.option("--balance", type=click.Choice(["none", "loss", "sampler"]), default="none")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--resume", is_flag=True, help="Continue the run saved in OUT where it stopped.")
@_DEVICE
@_THREADS
def train_cnn_command(
    data: Path,
    layout: str,
    out: Path,
    device: str,
    threads: int | None,
    resume: bool,
    **options: object,
) -> None:
    """Train a CNN on DATA's train split, stopping early on its val split.

    OUT becomes an engine checkpoint (cnn.safetensors + a cnn head) and gets curves.png after
    every epoch; the same command with --resume continues an interrupted run.
    """
    from fer_engine.train.cnn_training import (
        CnnTrainingConfig,
        train_cnn,
    )

    _set_threads(threads)
    config = CnnTrainingConfig(**options)
    train_split = load_split(data, layout, "train")
    val_split = load_split(data, layout, "val")
    note = f"{data} ({layout}): {len(train_split.images)} train, {len(val_split.images)} val"
    click.echo(note, err=True)
    history = train_cnn(config, train_split, val_split, out, device, note, resume)
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
@loads_models
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
    from fer_engine.train.evaluation import checkpoint_settings, evaluate_engine
    from fer_engine.train.report import write_evaluation_report

    settings = settings_of(ctx).engine
    if checkpoint is not None:
        settings = checkpoint_settings(settings, checkpoint)
    result = evaluate_engine(settings, load_split(data, layout, split))
    name = f"{data.name} {split}" if layout != "imagefolder" else data.name
    if report_dir is not None:
        write_evaluation_report(result, name, report_dir)
    if as_json:
        click.echo(result.to_json())
        return
    report = result.report
    click.echo(
        f"{name}: {result.n} images, accuracy {report.accuracy:.4f}, "
        f"macro-F1 {report.macro_f1:.4f}, calibration error {result.calibration_error:.4f}"
    )
    for emotion, share in report.per_class_accuracy.items():
        click.echo(f"  {emotion:<9} {share:.3f} ({report.support[emotion]})")
    for reason, count in result.skipped.items():
        click.echo(f"  skipped: {count} ({reason})")


@train.command("calibrate")
@_DATA
@_LAYOUT
@click.option(
    "--checkpoint",
    help="The checkpoint to calibrate: a folder, or a shipped name ('bundled', "
    "'fer2013-fer_vgg'). Without it: the configured ensemble (engine.head.ensemble).",
)
@click.option(
    "--split", type=click.Choice(["train", "val", "test"]), default="val", show_default=True
)
@click.pass_context
def train_calibrate_command(
    ctx: click.Context, data: Path, layout: str, checkpoint: str | None, split: str
) -> None:
    """Fit the temperature of CHECKPOINT's head on DATA's split and write it into its head.json,
    or without --checkpoint the configured ensemble's, to set as engine.head.ensemble_temperature.

    Accuracy does not change; the expected calibration error before and after is printed.
    """
    from fer_engine.loading import head_folder

    settings = settings_of(ctx).engine
    if checkpoint is None and not settings.head.ensemble:
        raise click.ClickException("name --checkpoint, or configure engine.head.ensemble")
    images = _Images(load_split(data, layout, split), f"{data} ({split})")
    if checkpoint is None:
        _calibrate_ensemble(settings, images)
    else:
        _calibrate_checkpoint(settings, head_folder(checkpoint), images)


@dataclass(frozen=True)
class _Images:
    """The split to calibrate on, and how to name it to the person running the command."""

    split: "DatasetSplit"
    name: str


def _calibrate_checkpoint(settings: "EngineSettings", folder: Path, images: _Images) -> None:
    from fer_engine.checkpoints import METADATA_FILE, HeadMetadata
    from fer_engine.train.evaluation import checkpoint_settings

    if not (folder / METADATA_FILE).is_file():
        raise click.ClickException(f"no checkpoint in {folder} (expected {METADATA_FILE})")
    metadata = HeadMetadata.model_validate_json((folder / METADATA_FILE).read_text())
    engine = checkpoint_settings(settings, folder)
    temperature, errors = _fitted_temperature(engine, images, metadata.temperature)
    calibrated = metadata.model_copy(update={"temperature": temperature})
    (folder / METADATA_FILE).write_text(calibrated.model_dump_json(indent=2) + "\n")
    click.echo(f"{folder}: temperature {temperature:.3f}; {errors}")


def _calibrate_ensemble(settings: "EngineSettings", images: _Images) -> None:
    head = settings.head
    temperature, errors = _fitted_temperature(settings, images, head.ensemble_temperature)
    click.echo(
        f"ensemble {', '.join((head.checkpoint, *head.ensemble))}: {errors}; "
        f"set ensemble_temperature = {temperature:.3f} under [engine.head]"
    )


def _fitted_temperature(
    settings: "EngineSettings", images: _Images, serving: float
) -> tuple[float, str]:
    """The temperature fitted on the engine's answers to `images` (it served at `serving`),
    and the calibration error before and after, worded."""
    from fer_engine.train.calibration import calibrate
    from fer_engine.train.evaluation import evaluate_engine

    result = evaluate_engine(settings, images.split)
    if result.n == 0:
        raise click.ClickException(f"no images to calibrate on in {images.name}")
    fitted = calibrate(result.probs, result.labels, serving)
    errors = f"expected calibration error {fitted.error_before:.4f} at temperature 1 -> "
    errors += f"{fitted.error_after:.4f} on {result.n} images"
    return fitted.temperature, errors


_CACHE = click.option(
    "--cache",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Feature cache folder (shared by runs; keyed by image hash and model ids).",
)
_CNN = click.option(
    "--cnn",
    "cnn_folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A `ferbot train cnn` folder to take the CNN from (default: the configured CNN).",
)
_TEXT = click.option(
    "--text/--no-text",
    default=None,
    help="Caption and embed the images too (default: when engine.mode is fusion).",
)


def _extract(
    ctx: click.Context,
    data: Path,
    layout: str,
    cache: Path,
    cnn_folder: Path | None,
    with_text: bool | None,
    device: str,
    batch_size: int,
    splits: tuple[str, ...],
) -> tuple["EngineSettings", dict[str, "FeatureTable"]]:
    """Features of `splits` (from the cache where it has them) by the configured models, with
    the CNN of `cnn_folder` when given; captions too when `with_text` (None: in fusion mode)."""
    from fer_engine.checkpoints import with_checkpoint_cnn
    from fer_engine.train.features import extract_features, load_feature_models

    settings = settings_of(ctx).engine.model_copy(update={"device": device})
    if cnn_folder is not None:
        settings = with_checkpoint_cnn(settings, cnn_folder)
    if with_text is None:
        with_text = settings.mode == "fusion"
    images = {split: load_split(data, layout, split) for split in splits}
    models = load_feature_models(settings, with_text)
    tables = {
        split: extract_features(split_images, models, cache, batch_size, f"features {split}")
        for split, split_images in images.items()
    }
    return settings, tables


@train.command("extract")
@_DATA
@_LAYOUT
@_CACHE
@_CNN
@_TEXT
@click.option("--splits", default="train,val,test", show_default=True)
@click.option("--batch-size", type=int, default=64, show_default=True)
@_DEVICE
@_THREADS
@click.pass_context
def train_extract_command(
    ctx: click.Context,
    data: Path,
    layout: str,
    cache: Path,
    cnn_folder: Path | None,
    text: bool | None,
    splits: str,
    batch_size: int,
    device: str,
    threads: int | None,
) -> None:
    """Compute CNN features (and captions and their embeddings) of DATA into the cache.

    Stopped and started again, it computes only what the cache lacks.
    """
    _set_threads(threads)
    names = tuple(name.strip() for name in splits.split(",") if name.strip())
    _, tables = _extract(ctx, data, layout, cache, cnn_folder, text, device, batch_size, names)
    for split, table in tables.items():
        skipped = ", ".join(f"{n} {reason}" for reason, n in table.skipped.items())
        click.echo(f"{split}: {len(table)} images" + (f" (skipped {skipped})" if skipped else ""))


@train.command("head")
@_DATA
@_LAYOUT
@_CACHE
@_CNN
@_TEXT
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--kinds",
    default="cnn,text,concat,gated,self_attention,cross_attention",
    show_default=True,
    help="Head kinds to train, comma-separated.",
)
@click.option("--seeds", default="0,1,2", show_default=True, help="Comma-separated seeds.")
@click.option("--epochs", type=int, default=60, show_default=True)
@click.option("--patience", type=int, default=10, show_default=True)
@click.option("--lr", type=float, default=1e-3, show_default=True)
@click.option("--hidden", type=int, default=256, show_default=True)
@click.option("--balance", type=click.Choice(["none", "loss", "sampler"]), default="none")
@click.option("--batch-size", type=int, default=64, show_default=True, help="For extraction.")
@_DEVICE
@_THREADS
@click.pass_context
def train_head_command(
    ctx: click.Context,
    data: Path,
    layout: str,
    cache: Path,
    cnn_folder: Path | None,
    text: bool | None,
    out: Path,
    kinds: str,
    seeds: str,
    batch_size: int,
    device: str,
    threads: int | None,
    **options: object,
) -> None:
    """Train every head kind on DATA's cached features, once per seed; export the best.

    OUT/best is the head with the best validation accuracy, ready for engine.head.checkpoint;
    OUT/report.md compares the kinds (mean and spread over seeds) with the study.
    """
    from fer_engine.train.head_training import HeadTrainingConfig, run_heads
    from fer_engine.train.report import write_study_report

    _set_threads(threads)
    wanted = tuple(kind.strip() for kind in kinds.split(",") if kind.strip())
    if text is None and wanted == ("cnn",):
        text = False
    config = HeadTrainingConfig(
        kinds=wanted, seeds=tuple(int(seed) for seed in seeds.split(",")), **options
    )
    settings, tables = _extract(
        ctx, data, layout, cache, cnn_folder, text, device, batch_size, SPLITS
    )
    if tables["train"].captions is None and wanted != ("cnn",):
        raise click.ClickException(
            f"heads {', '.join(k for k in wanted if k != 'cnn')} read captions: add --text "
            "(and the captioner and text encoder in engine settings), or --kinds cnn"
        )
    note = f"{data} ({layout}): " + ", ".join(f"{len(t)} {s}" for s, t in tables.items())
    runs = run_heads(tables["train"], tables["val"], tables["test"], settings, config, out, note)
    write_study_report(out, heads_folder=out)
    best = max(runs, key=lambda run: run.val_accuracy)
    click.echo(
        f"best: {best.kind} seed {best.seed} (val {best.val_accuracy:.4f}, "
        f"test {best.test_accuracy:.4f}); exported to {out / 'best'}; report {out / 'report.md'}"
    )


@train.command("report")
@click.option(
    "--cnn-runs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="`ferbot train cnn` folders (repeat the option, or use a shell glob with it once each).",
)
@click.option(
    "--heads",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A `ferbot train head` folder.",
)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
def train_report_command(cnn_runs: tuple[Path, ...], heads: Path | None, out: Path) -> None:
    """Write OUT/report.md: the study's tables beside these runs' numbers."""
    from fer_engine.train.report import write_study_report

    click.echo(write_study_report(out, heads_folder=heads, cnn_runs=cnn_runs))


@train.command("ship")
@click.argument("run", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("name")
def train_ship_command(run: Path, name: str) -> None:
    """Copy the `ferbot train cnn` run RUN into the package as the engine checkpoint NAME
    (under fer_engine/weights/), its CNN in float16; engine.head.checkpoint = NAME selects it."""
    from fer_engine.faceapi.bundled import WEIGHTS
    from fer_engine.train.shipping import ship_checkpoint

    click.echo(ship_checkpoint(run, WEIGHTS / name))
