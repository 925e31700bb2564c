"""Feature extraction for head training, cached on disk by image hash and model ids.

Captioning every image is the slow part of the study (BLIP-2 on a GPU), so it is done once:
each batch becomes a shard file in `<cache>/<models key>/`, written atomically, so an
interrupted extraction resumes with the images it has not seen yet. The key covers every
model id and setting that changes a feature; another CNN or prompt gets another folder.
"""

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from fer_engine.captioner import Captioner, load_captioner
from fer_engine.cnn import CnnBranch, load_cnn
from fer_engine.errors import BadImage
from fer_engine.faces import WholeImageDetector, square_crop
from fer_engine.heads import HeadInputs
from fer_engine.loading import resolve_device
from fer_engine.pipeline import face_features
from fer_engine.settings import EngineSettings
from fer_engine.text_encoder import TextEncoder, load_text_encoder
from fer_engine.train.datasets import DatasetSplit, LabelledImage
from fer_engine.train.errors import NoReadableImages

log = logging.getLogger(__name__)

SHARD_PREFIX = "shard-"
MODELS_FILE = "models.json"


@dataclass(frozen=True)
class FeatureModels:
    """The models whose outputs a head is trained on, and the ids that key their cache."""

    cnn: CnnBranch
    captioner: Captioner | None
    text_encoder: TextEncoder | None
    margin: float
    ids: dict[str, str]

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.ids, sort_keys=True).encode()).hexdigest()[:16]


def load_feature_models(settings: EngineSettings, with_text: bool) -> FeatureModels:
    """The CNN the settings name, and with `with_text` the captioner and text encoder too."""
    device = resolve_device(settings.device)
    cnn = load_cnn(settings.cnn, settings.offline).to(device)
    ids = {
        "cnn": f"{settings.cnn.arch}:{_weights_id(settings.cnn.weights)}",
        "cnn_input_size": str(settings.cnn.input_size),
        "token_grid": str(settings.cnn.token_grid),
        "margin": str(settings.faces.margin),
    }
    captioner = text_encoder = None
    if with_text:
        captioner = load_captioner(settings.captioner, device, settings.offline)
        text_encoder = load_text_encoder(settings.text_encoder, device, settings.offline)
        ids |= {
            "captioner": settings.captioner.model,
            "caption_prompt": settings.captioner.prompt,
            "max_new_tokens": str(settings.captioner.max_new_tokens),
            "text_encoder": settings.text_encoder.model,
            "max_tokens": str(settings.text_encoder.max_tokens),
        }
    return FeatureModels(cnn.eval(), captioner, text_encoder, settings.faces.margin, ids)


def _weights_id(weights: str) -> str:
    """A file of weights is named by its content, so retraining it invalidates the cache."""
    path = Path(weights)
    if not path.is_file():
        return weights
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class FeatureTable:
    """Features of the readable images of one split, row i for label i; captions when extracted."""

    inputs: HeadInputs
    labels: torch.Tensor
    captions: list[str] | None
    skipped: dict[str, int]

    def __len__(self) -> int:
        return len(self.labels)

    def rows(self, index: torch.Tensor) -> HeadInputs:
        """The features of the rows `index` (a batch)."""
        x = self.inputs
        if x.text is None:
            return HeadInputs(x.image[index], x.image_tokens[index])
        return HeadInputs(
            x.image[index], x.image_tokens[index], x.text[index], x.text_tokens[index],
            x.text_mask[index],
        )  # fmt: skip


def extract_features(
    split: DatasetSplit,
    models: FeatureModels,
    cache: Path,
    batch_size: int = 64,
    desc: str = "extracting",
) -> FeatureTable:
    """Features of every image of `split`, computing only those the cache does not hold yet."""
    folder = cache / models.key
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MODELS_FILE).write_text(json.dumps(models.ids, indent=2) + "\n")
    stored = _read_shards(folder)
    hashes = [image.content_hash() for image in split.images]
    todo = {h: image for h, image in zip(hashes, split.images, strict=True) if h not in stored}
    skipped: Counter[str] = Counter(split.skipped)
    pending = list(todo.items())
    with tqdm(total=len(pending), desc=desc, unit="img", initial=0) as progress:
        for start in range(0, len(pending), batch_size):
            batch = pending[start : start + batch_size]
            rows, unreadable = _extract_batch(batch, models)
            skipped["unreadable image"] += unreadable
            if rows:
                _write_shard(folder, rows)
                stored |= _split_rows(rows)
            progress.update(len(batch))
    return _assemble(hashes, split, stored, dict(skipped), models.captioner is not None)


def _extract_batch(
    batch: list[tuple[str, LabelledImage]], models: FeatureModels
) -> tuple[dict | None, int]:
    device = next(models.cnn.parameters()).device
    hashes, pixels, caption_pixels = [], [], []
    unreadable = 0
    for content_hash, image in batch:
        try:
            picture = image.open()
        except (BadImage, OSError) as exc:
            log.info("skipping %s: %s", image.name, exc)
            unreadable += 1
            continue
        (box,) = WholeImageDetector().detect(picture)
        hashes.append(content_hash)
        pixels.append(models.cnn.preprocess(picture, box, models.margin))
        if models.captioner is not None:
            crop = square_crop(picture, box, models.margin)
            caption_pixels.append(models.captioner.preprocess(crop))
    if not hashes:
        return None, unreadable
    captions = None
    if models.captioner is not None:
        captions = models.captioner.caption(torch.stack(caption_pixels).to(device))
    inputs = face_features(
        models.cnn, torch.stack(pixels).to(device), models.text_encoder, captions
    )
    rows = {
        "hashes": hashes,
        "image": inputs.image.cpu(),
        "image_tokens": inputs.image_tokens.cpu(),
        "captions": captions,
    }
    if inputs.text is not None:
        rows |= {
            "text": inputs.text.cpu(),
            "text_tokens": inputs.text_tokens.cpu(),
            "text_mask": inputs.text_mask.cpu(),
        }
    return rows, unreadable


def _write_shard(folder: Path, rows: dict) -> None:
    """One batch as `shard-<hash of its images>.pt`: names never collide across resumed runs."""
    name = hashlib.sha256("".join(rows["hashes"]).encode()).hexdigest()[:16]
    path = folder / f"{SHARD_PREFIX}{name}.pt"
    partial = path.with_suffix(".partial")
    torch.save(rows, partial)
    partial.replace(path)  # a shard is whole or absent, however the run was stopped


def _read_shards(folder: Path) -> dict[str, dict]:
    stored: dict[str, dict] = {}
    for path in sorted(folder.glob(f"{SHARD_PREFIX}*.pt")):
        stored |= _split_rows(torch.load(path, weights_only=False))
    return stored


def _split_rows(rows: dict) -> dict[str, dict]:
    """One shard as {image hash: that image's features}."""
    per_image = {}
    for i, content_hash in enumerate(rows["hashes"]):
        row = {"image": rows["image"][i], "image_tokens": rows["image_tokens"][i]}
        if "text" in rows:
            length = int(rows["text_mask"][i].sum())
            row |= {
                "text": rows["text"][i],
                "text_tokens": rows["text_tokens"][i, :length],
                "caption": rows["captions"][i],
            }
        per_image[content_hash] = row
    return per_image


def _assemble(
    hashes: list[str],
    split: DatasetSplit,
    stored: dict[str, dict],
    skipped: dict[str, int],
    with_text: bool,
) -> FeatureTable:
    found = [
        (stored[h], image.label)
        for h, image in zip(hashes, split.images, strict=True)
        if h in stored
    ]
    if not found:
        raise NoReadableImages("no readable images to extract features from")
    rows = [row for row, _ in found]
    labels = torch.tensor([label for _, label in found])
    image = torch.stack([row["image"] for row in rows])
    image_tokens = torch.stack([row["image_tokens"] for row in rows])
    if not with_text:
        return FeatureTable(HeadInputs(image, image_tokens), labels, None, skipped)
    longest = max(len(row["text_tokens"]) for row in rows)
    width = rows[0]["text_tokens"].shape[-1]
    text_tokens = torch.zeros(len(rows), longest, width)
    text_mask = torch.zeros(len(rows), longest, dtype=torch.bool)
    for i, row in enumerate(rows):
        length = len(row["text_tokens"])
        text_tokens[i, :length] = row["text_tokens"]
        text_mask[i, :length] = True
    text = torch.stack([row["text"] for row in rows])
    inputs = HeadInputs(image, image_tokens, text, text_tokens, text_mask)
    return FeatureTable(inputs, labels, [row["caption"] for row in rows], skipped)
