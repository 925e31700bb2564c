"""Fine-tuning (or training from scratch) a torchvision CNN on face crops, with early stopping.

The run folder is an engine checkpoint: `cnn.safetensors` (the backbone, read through
`engine.cnn.weights`) and a `cnn` head (`head.safetensors` + `head.json`, read through
`engine.head.checkpoint`) made of the network's own last layer, so the engine computes exactly
what was trained. `state.pt` after every epoch lets an interrupted run resume where it stopped.
"""

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from safetensors.torch import save_file
from torch import nn
from torchvision.transforms import v2
from tqdm import tqdm

from fer_engine.checkpoints import CNN_WEIGHTS_FILE, HeadMetadata, save_head
from fer_engine.cnn import BACKBONES, CnnFeatures, normalize_pixels
from fer_engine.emotions import EMOTIONS
from fer_engine.heads import HeadSpec, build_head
from fer_engine.loading import resolve_device
from fer_engine.train.batch_augment import augment_batch
from fer_engine.train.charts import draw_curves
from fer_engine.train.datasets import DatasetSplit, class_weights
from fer_engine.train.errors import RunExists, RunMismatch
from fer_engine.train.face_pixels import FacePixels, load_face_pixels
from fer_engine.train.metrics import ClassificationReport, classification_report

log = logging.getLogger(__name__)

STATE_FILE = "state.pt"
HISTORY_FILE = "history.json"
CURVES_FILE = "curves.png"
TOKEN_GRID = 3

Augmentation = Literal["none", "flip", "rotate", "crop", "full"]
AUGMENTATIONS: tuple[str, ...] = ("none", "flip", "rotate", "crop", "full")
ClassBalance = Literal["none", "loss", "sampler"]


class CnnTrainingConfig(BaseModel):
    """One CNN run: the study's grid is `arch` x `augment`; the rest is held fixed across it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    arch: Literal["densenet121", "resnet18", "vgg16", "fer_vgg"] = "resnet18"
    augment: Augmentation = "flip"
    init: Literal["none", "imagenet"] = "none"
    input_size: int = Field(48, ge=32)
    # Aligned datasets are taken whole as the face; the margin pads around it as the engine would.
    margin: float = Field(0.0, ge=0.0)
    epochs: int = Field(30, ge=1)
    patience: int = Field(5, ge=1)
    batch_size: int = Field(64, ge=1)
    lr: float = Field(1e-3, gt=0)
    weight_decay: float = Field(1e-4, ge=0)
    # AdamW, or SGD with Nesterov momentum 0.9 (what the from-scratch FER2013 leaders use).
    optimizer: Literal["adamw", "sgd"] = "adamw"
    # FER2013's labels are noisy; smoothing keeps a net from betting everything on them.
    label_smoothing: float = Field(0.0, ge=0.0, lt=1.0)
    # Validate (and serve, through the checkpoint) each face read as it is and mirrored.
    flip_tta: bool = False
    # fer_vgg only: channels of its first stage (then doubled per stage).
    width: int = Field(32, ge=4)
    balance: ClassBalance = "none"
    seed: int = 0


@dataclass(frozen=True)
class EpochResult:
    """Training loss and validation metrics after one epoch."""

    epoch: int
    train_loss: float
    val_accuracy: float
    val_macro_f1: float
    seconds: float


def augmentation(kind: Augmentation, size: int) -> v2.Transform:
    """The study's four settings, each one transform applied to a uint8 crop. `full` (all of
    them, milder, plus random erasing) is applied to whole batches by `augment_batch` instead."""
    if kind == "flip":
        return v2.RandomHorizontalFlip()
    if kind == "rotate":
        return v2.RandomRotation(15)
    if kind == "crop":
        return v2.RandomResizedCrop(size, scale=(0.6, 1.0), ratio=(0.9, 1.1), antialias=True)
    return v2.Identity()


def build_classifier(arch: str, init: str, width: int | None = None) -> nn.Module:
    """A torchvision `arch` (or fer_vgg, `width` wide) with a 7-class last layer, from scratch
    or from ImageNet weights."""
    backbone = BACKBONES[arch]
    if init == "none":
        shape = {"width": width} if width is not None and arch == "fer_vgg" else {}
        return backbone.build(weights=None, num_classes=len(EMOTIONS), **shape)
    model = backbone.build(weights=backbone.imagenet_weights)
    parent_name, _, leaf = backbone.classifier_prefix.rstrip(".").rpartition(".")
    parent = model.get_submodule(parent_name)
    setattr(parent, leaf, nn.Linear(last_layer(model, arch).in_features, len(EMOTIONS)))
    return model


def last_layer(model: nn.Module, arch: str) -> nn.Linear:
    """The layer that maps pooled features to class scores."""
    prefix = BACKBONES[arch].classifier_prefix.rstrip(".")
    return model.get_submodule(prefix)


class _Augmented(torch.utils.data.Dataset):
    def __init__(self, data: FacePixels, transform: v2.Transform) -> None:
        self.data = data
        self.transform = transform

    def __len__(self) -> int:
        return len(self.data.labels)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.transform(self.data.pixels[index]), self.data.labels[index]


def train_cnn(
    config: CnnTrainingConfig,
    train: DatasetSplit,
    val: DatasetSplit,
    out: Path,
    device: str = "auto",
    dataset_note: str = "",
    resume: bool = False,
) -> list[EpochResult]:
    """Train until `config.epochs` or `config.patience` epochs without a better val accuracy.

    With `resume` it continues the run saved in `out/state.pt` (which must have the same
    config), so a schedule longer than a session spans several; without, a folder that
    already holds a run is refused rather than silently continued or overwritten. The best
    epoch is exported into `out` as an engine checkpoint every time it improves.
    """
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    run_device = resolve_device(device)
    model = build_classifier(config.arch, config.init, config.width).to(run_device)
    if run_device.type == "cpu":
        # Twice as fast for these convolutions on a CPU (measured on the 2-core CI machine).
        model = model.to(memory_format=torch.channels_last)
    optimizer = _optimizer(config, model)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.epochs)
    history: list[EpochResult] = []
    best, waited = -1.0, 0
    state_path = out / STATE_FILE
    if state_path.is_file() and not resume:
        raise RunExists(f"{out} already holds a run: add --resume to continue it")
    if state_path.is_file():
        state = _saved_state(state_path, run_device)
        if state["config"] != config.model_dump():
            changed = sorted(
                key
                for key, value in config.model_dump().items()
                if state["config"].get(key) != value
            )
            raise RunMismatch(
                f"{out} holds a run with other settings ({', '.join(changed)} differ); "
                "resume it with its own settings, or use another output folder"
            )
        try:
            model.load_state_dict(state["model"])
            optimizer.load_state_dict(state["optimizer"])
            scheduler.load_state_dict(state["scheduler"])
        except (RuntimeError, ValueError, KeyError) as exc:
            raise RunMismatch(
                f"{state_path} does not fit the {config.arch} these settings build "
                f"({_first_line(exc)}); use another output folder"
            ) from exc
        torch.set_rng_state(state["rng"])
        history = [EpochResult(**row) for row in state["history"]]
        best, waited = state["best"], state["waited"]
        log.info("resuming %s after epoch %d", out, len(history))
    if _finished(config, history, waited):
        return history

    grey = BACKBONES[config.arch].grey
    train_data = load_face_pixels(train, config.input_size, config.margin, "reading train", grey)
    val_data = load_face_pixels(val, config.input_size, config.margin, "reading val", grey)
    weights = torch.from_numpy(class_weights(train_data.labels.tolist()))
    loss_fn = nn.CrossEntropyLoss(
        weight=weights.to(run_device) if config.balance == "loss" else None,
        label_smoothing=config.label_smoothing,
    )
    for epoch in range(len(history) + 1, config.epochs + 1):
        started = time.perf_counter()
        loader = _loader(train_data, config, weights, epoch)
        loss = _train_epoch(model, loader, loss_fn, optimizer, run_device, epoch, config)
        scheduler.step()
        report = predict_report(model, config, val_data, run_device)
        result = EpochResult(
            epoch, loss, report.accuracy, report.macro_f1, time.perf_counter() - started
        )
        history.append(result)
        log.info("epoch %d: %s", epoch, result)
        tqdm.write(
            f"epoch {epoch}: loss {loss:.4f}, val accuracy {report.accuracy:.4f}, "
            f"macro-F1 {report.macro_f1:.4f} ({result.seconds:.0f} s)"
        )
        if report.accuracy > best:
            best, waited = report.accuracy, 0
            extra = {"skipped": train_data.skipped, "dataset": dataset_note}
            export_cnn_checkpoint(model, config, out, history, report, extra)
        else:
            waited += 1
        _save_state(state_path, model, optimizer, scheduler, config, history, best, waited)
        (out / HISTORY_FILE).write_text(
            json.dumps([result.__dict__ for result in history], indent=2) + "\n"
        )
        draw_curves(history, f"{config.arch}, {config.augment}", out / CURVES_FILE)
        if _finished(config, history, waited):
            break
    return history


def _optimizer(config: CnnTrainingConfig, model: nn.Module) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(
            model.parameters(),
            lr=config.lr,
            momentum=0.9,
            nesterov=True,
            weight_decay=config.weight_decay,
        )
    return torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)


def _finished(config: CnnTrainingConfig, history: list[EpochResult], waited: int) -> bool:
    return len(history) >= config.epochs or waited >= config.patience


def _loader(
    data: FacePixels, config: CnnTrainingConfig, weights: torch.Tensor, epoch: int
) -> torch.utils.data.DataLoader:
    dataset = _Augmented(data, augmentation(config.augment, config.input_size))
    # Seeded per epoch, so a resumed run sees the same order an uninterrupted one would.
    generator = torch.Generator().manual_seed(config.seed * 1000 + epoch)
    if config.balance == "sampler":
        sampler = torch.utils.data.WeightedRandomSampler(
            weights[data.labels].double(), len(dataset), generator=generator
        )
        return torch.utils.data.DataLoader(dataset, config.batch_size, sampler=sampler)
    return torch.utils.data.DataLoader(
        dataset, config.batch_size, shuffle=True, generator=generator
    )


def _train_epoch(
    model: nn.Module,
    loader: torch.utils.data.DataLoader,
    loss_fn: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    epoch: int,
    config: CnnTrainingConfig,
) -> float:
    model.train()
    total, count = 0.0, 0
    progress = tqdm(loader, desc=f"epoch {epoch}/{config.epochs}", unit="batch", mininterval=10)
    for pixels, labels in progress:
        inputs = _as_input(pixels, device, augment=config.augment == "full")
        loss = loss_fn(model(inputs), labels.to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(labels)
        count += len(labels)
        progress.set_postfix(loss=f"{total / count:.4f}", refresh=False)
    return total / max(count, 1)


def _as_input(pixels: torch.Tensor, device: torch.device, augment: bool = False) -> torch.Tensor:
    inputs = normalize_pixels(pixels).to(device)
    if augment:
        inputs = augment_batch(inputs)
    if device.type == "cpu":
        inputs = inputs.contiguous(memory_format=torch.channels_last)
    return inputs


@torch.inference_mode()
def predict_report(
    model: nn.Module, config: CnnTrainingConfig, data: FacePixels, device: torch.device
) -> ClassificationReport:
    """Accuracy, macro-F1 and per-class accuracy of `model` on preloaded crops, computed as the
    engine will: through `CnnFeatures` (mirrored reading included) and the last layer."""
    model.eval()
    features = CnnFeatures(config.arch, model, TOKEN_GRID, config.input_size, config.flip_tta)
    classifier = last_layer(model, config.arch)
    predictions: list[int] = []
    for start in range(0, len(data.labels), config.batch_size):
        pooled, _tokens = features(
            _as_input(data.pixels[start : start + config.batch_size], device)
        )
        predictions += classifier(pooled).argmax(dim=-1).cpu().tolist()
    return classification_report(data.labels.tolist(), predictions)


def export_cnn_checkpoint(
    model: nn.Module,
    config: CnnTrainingConfig,
    out: Path,
    history: list[EpochResult],
    report: ClassificationReport,
    extra: dict,
) -> None:
    """Write the engine checkpoint: backbone weights and the last layer as a `cnn` head."""
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, out / CNN_WEIGHTS_FILE)
    features = CnnFeatures(config.arch, model, TOKEN_GRID, config.input_size, config.flip_tta)
    spec = HeadSpec(kind="cnn", image_dim=features.pooled_dim, image_token_dim=features.token_dim)
    head = build_head(spec)
    layer = last_layer(model, config.arch)
    head.classifier[1].load_state_dict(layer.state_dict())
    metadata = HeadMetadata(
        spec=spec,
        cnn_arch=config.arch,
        cnn_input_size=config.input_size,
        training={
            "config": config.model_dump(),
            "best_epoch": history[-1].epoch,
            "val_accuracy": report.accuracy,
            "val_macro_f1": report.macro_f1,
            "val_per_class": report.per_class_accuracy,
            **extra,
        },
    )
    save_head(out, head, metadata)


def _save_state(
    path: Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    config: CnnTrainingConfig,
    history: list[EpochResult],
    best: float,
    waited: int,
) -> None:
    state = {
        "config": config.model_dump(),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "rng": torch.get_rng_state(),
        "history": [result.__dict__ for result in history],
        "best": best,
        "waited": waited,
    }
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    partial.replace(path)  # an interrupted save never leaves a broken state behind


def _saved_state(path: Path, device: torch.device) -> dict:
    """The run saved in `path`; a file that is not one (cut short, or not ours) is a
    `RunMismatch` naming it."""
    try:
        state = torch.load(path, map_location=device, weights_only=False)
    except Exception as exc:  # torch.load raises whatever unpickling a bad file raises
        raise RunMismatch(
            f"{path} is not a saved run ({_first_line(exc)}); use another folder"
        ) from exc
    if not isinstance(state, dict) or "config" not in state:
        raise RunMismatch(f"{path} is not a saved run; use another output folder")
    return state


def _first_line(error: BaseException) -> str:
    """Torch's errors span many lines; a message on the command line is one."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
