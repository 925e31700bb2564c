"""Head checkpoints: safetensors weights beside JSON metadata saying what they were trained on."""

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from safetensors.torch import load_file, save_file
from torch import nn

from fer_engine.emotions import EMOTIONS
from fer_engine.errors import CheckpointMismatch, ModelUnavailable
from fer_engine.heads import HeadSpec, build_head
from fer_engine.settings import EngineSettings

WEIGHTS_FILE = "head.safetensors"
METADATA_FILE = "head.json"
# A folder written by `ferbot train cnn` also holds the CNN the head was trained on.
CNN_WEIGHTS_FILE = "cnn.safetensors"
FORMAT_VERSION = 1


class HeadMetadata(BaseModel):
    """What a head was trained with; the engine refuses to pair it with anything else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: int = FORMAT_VERSION
    classes: tuple[str, ...] = EMOTIONS
    spec: HeadSpec
    cnn_arch: str
    cnn_input_size: int
    captioner_model: str | None = None
    caption_prompt: str | None = None
    text_encoder_model: str | None = None
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    training: dict[str, Any] = Field(default_factory=dict)
    # Logits are divided by this before the softmax; `ferbot train calibrate` fits it on
    # validation so that answers given with 70% confidence are right about 70% of the time.
    temperature: float = Field(1.0, gt=0.0)


class LoadedHead:
    """A head module in eval mode with its metadata and a short fingerprint of its weights."""

    def __init__(self, module: nn.Module, metadata: HeadMetadata, fingerprint: str) -> None:
        self.module = module.eval()
        self.metadata = metadata
        self.fingerprint = fingerprint


def save_head(folder: Path, head: nn.Module, metadata: HeadMetadata) -> None:
    """Write `head.safetensors` and `head.json` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    state = {name: tensor.detach().contiguous().cpu() for name, tensor in head.state_dict().items()}
    save_file(state, folder / WEIGHTS_FILE)
    (folder / METADATA_FILE).write_text(metadata.model_dump_json(indent=2) + "\n")


def load_head(folder: Path) -> LoadedHead:
    """Read a head saved by `save_head`; a missing or foreign checkpoint is a clear error."""
    weights, meta_path = folder / WEIGHTS_FILE, folder / METADATA_FILE
    if not weights.is_file() or not meta_path.is_file():
        raise ModelUnavailable(
            f"no head checkpoint in {folder} (expected {WEIGHTS_FILE} and {METADATA_FILE})",
            "engine.head.checkpoint",
            "the folder of a trained head",
        )
    try:
        metadata = HeadMetadata.model_validate(json.loads(meta_path.read_text()))
    except (ValueError, ValidationError) as exc:
        raise CheckpointMismatch(f"{meta_path} is not ferbot head metadata: {exc}") from exc
    if metadata.format_version != FORMAT_VERSION:
        raise CheckpointMismatch(
            f"{meta_path} has format {metadata.format_version}; this ferbot reads {FORMAT_VERSION}"
        )
    if tuple(metadata.classes) != EMOTIONS:
        raise CheckpointMismatch(
            f"head in {folder} predicts {list(metadata.classes)}; ferbot needs {list(EMOTIONS)}"
        )
    module = build_head(metadata.spec)
    try:
        module.load_state_dict(load_file(weights))
    except RuntimeError as exc:
        raise CheckpointMismatch(f"{weights} does not match its own metadata: {exc}") from exc
    fingerprint = hashlib.sha256(weights.read_bytes()).hexdigest()[:8]
    return LoadedHead(module, metadata, fingerprint)


def model_name(model_id: str) -> str:
    """The name of a model, the same whether given as a hub id or as a local copy's folder."""
    return Path(model_id.rstrip("/")).name


def with_checkpoint_cnn(settings: EngineSettings, folder: Path) -> EngineSettings:
    """`settings` running the CNN stored in `folder`, at the input size, crop kind and crop
    margin it was trained at; unchanged when the folder holds a head only.

    So one setting (`engine.head.checkpoint`) switches the engine to a CNN trained by
    `ferbot train cnn`, whatever `engine.cnn` says.
    """
    if not (folder / CNN_WEIGHTS_FILE).is_file():
        return settings
    metadata = HeadMetadata.model_validate_json((folder / METADATA_FILE).read_text())
    cnn = settings.cnn.model_copy(
        update={
            "arch": metadata.cnn_arch,
            "weights": str(folder / CNN_WEIGHTS_FILE),
            "input_size": metadata.cnn_input_size,
            "flip_tta": bool(metadata.training.get("config", {}).get("flip_tta", False)),
            "crop": metadata.training.get("crop", "box"),
        }
    )
    # Heads record the margin of their features; `ferbot train cnn` runs, their config's.
    training = metadata.training
    margin = training.get("margin", training.get("config", {}).get("margin", settings.faces.margin))
    faces = settings.faces.model_copy(update={"margin": margin})
    return settings.model_copy(update={"cnn": cnn, "faces": faces})
