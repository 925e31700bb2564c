"""Labelled face images on disk in the layouts FER work uses, labels mapped to ferbot's order.

Three layouts: RAF-DB basic (`EmoLabel/list_patition_label.txt` + `Image/aligned/`), FER2013
(`train/<class>/` folders, or the original `fer2013.csv`) and any ImageFolder
(`<class>/<image>`, optionally under `train/`, `val/`, `test/`). Splits are `train`, `val` and
`test`; where a layout has no validation split it is carved from train, stratified, with a
fixed seed, so every run holds out the same images. A single ImageFolder without split
folders is all test set, or carved into train and val for training. A wrong layout fails at
once naming what was expected; unknown class folders and missing files are skipped and counted.
"""

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from fer_engine.emotions import EMOTIONS, canonical_emotion
from fer_engine.image_intake import decode_image
from fer_engine.settings import ImageSettings
from fer_engine.train.errors import DatasetLayoutError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}

Layout = Literal["imagefolder", "fer2013", "rafdb"]
Split = Literal["train", "val", "test"]
LAYOUTS: tuple[str, ...] = ("imagefolder", "fer2013", "rafdb")
SPLITS: tuple[str, ...] = ("train", "val", "test")

# RAF-DB basic numbers its classes 1..7 in exactly ferbot's order.
RAFDB_LABELS = "EmoLabel/list_patition_label.txt"
RAFDB_IMAGES = "Image/aligned"
# FER2013's CSV numbers its classes 0..6 in this order.
FER2013_CSV_CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
FER2013_CSV_USAGE = {"train": "Training", "val": "PublicTest", "test": "PrivateTest"}
FER2013_CSV_SIDE = 48
# Folder names each split goes by in the FER2013 and ImageFolder layouts, first match wins.
SPLIT_FOLDERS: dict[str, tuple[str, ...]] = {
    "train": ("train", "Training"),
    "val": ("val", "validation", "public_test", "PublicTest"),
    "test": ("test", "private_test", "PrivateTest"),
}
VALIDATION_SHARE = 0.1
VALIDATION_SEED = 0


@dataclass(frozen=True)
class LabelledImage:
    """One image and its class index in EMOTIONS order.

    `pixels` holds FER2013 CSV rows (48x48 grey bytes), which have no file of their own;
    `path` then names the CSV and `row` the line.
    """

    path: Path
    label: int
    pixels: bytes | None = None
    row: int | None = None

    @property
    def name(self) -> str:
        return str(self.path) if self.row is None else f"{self.path}:{self.row}"

    def read_bytes(self) -> bytes:
        """The encoded picture, as a person would send it (a CSV row becomes a PNG)."""
        if self.pixels is None:
            return self.path.read_bytes()
        side = FER2013_CSV_SIDE
        encoded = io.BytesIO()
        Image.frombytes("L", (side, side), self.pixels).save(encoded, format="PNG")
        return encoded.getvalue()

    def content_hash(self) -> str:
        """SHA-256 of the image's bytes: the key of every feature cache."""
        data = self.pixels if self.pixels is not None else self.path.read_bytes()
        return hashlib.sha256(data).hexdigest()

    def open(self, limits: ImageSettings | None = None) -> Image.Image:
        """The picture as RGB, decoded the way the engine decodes photos.

        Raises `BadImage` (the engine's error) for an unreadable file, OSError for a missing one.
        """
        return decode_image(self.read_bytes(), limits or ImageSettings())


@dataclass(frozen=True)
class DatasetSplit:
    """The images of one split and what was skipped while listing them (reason -> count)."""

    images: list[LabelledImage]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def labels(self) -> list[int]:
        return [image.label for image in self.images]

    def class_counts(self) -> dict[str, int]:
        counts = Counter(self.labels)
        return {name: counts.get(index, 0) for index, name in enumerate(EMOTIONS)}


def load_split(root: Path, layout: Layout, split: Split) -> DatasetSplit:
    """The images of `split` in the dataset at `root`, stored in `layout`."""
    if not root.exists():
        raise DatasetLayoutError(f"dataset {root} does not exist")
    if split not in SPLITS:
        raise DatasetLayoutError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    if layout == "rafdb":
        return _rafdb(root, split)
    if layout == "fer2013":
        csv_file = root if root.is_file() else root / "fer2013.csv"
        if csv_file.is_file():
            return _fer2013_csv(csv_file, split)
        return _split_folders(root, split, "fer2013", f"{csv_file.name} or train/<class>/")
    if layout == "imagefolder":
        if _class_folders(root):
            # One folder of classes: taken whole as a test set, carved for training.
            whole = image_folder(root)
            return whole if split == "test" else _carve(whole, split, root)
        return _split_folders(root, split, "imagefolder", "<class>/ or train/<class>/")
    raise DatasetLayoutError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")


def image_folder(root: Path) -> DatasetSplit:
    """`root/<class>/<image>`, class names in any spelling; unknown classes are skipped."""
    if not root.is_dir():
        raise DatasetLayoutError(f"dataset folder {root} does not exist")
    images: list[LabelledImage] = []
    skipped: Counter[str] = Counter()
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        files = sorted(path for path in folder.iterdir() if path.is_file())
        label = _class_index(folder.name)
        if label is None:
            skipped[f"unknown class folder {folder.name!r}"] += len(files)
            continue
        for path in files:
            if path.suffix.lower() in IMAGE_SUFFIXES:
                images.append(LabelledImage(path, label))
            else:
                skipped["not an image file"] += 1
    if not images:
        raise DatasetLayoutError(
            f"{root} holds no images in <class>/<image> folders "
            f"(class folders named {', '.join(EMOTIONS)})"
        )
    return DatasetSplit(images, dict(skipped))


def _class_index(name: str) -> int | None:
    try:
        return EMOTIONS.index(canonical_emotion(name))
    except ValueError:
        return None


def _class_folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [p for p in root.iterdir() if p.is_dir() and _class_index(p.name) is not None]


def _split_folder(root: Path, split: str) -> Path | None:
    for name in SPLIT_FOLDERS[split]:
        if (root / name).is_dir():
            return root / name
    return None


def _split_folders(root: Path, split: Split, layout: str, expected: str) -> DatasetSplit:
    train = _split_folder(root, "train")
    if train is None or not _class_folders(train):
        raise DatasetLayoutError(f"{root} is not a {layout} dataset: expected {expected} in it")
    folder = _split_folder(root, split)
    if folder is not None:
        return image_folder(folder)
    if split == "test":
        raise DatasetLayoutError(
            f"{root} has no test split: expected one of {', '.join(SPLIT_FOLDERS['test'])}/"
        )
    # No validation folder: hold out a stratified share of train.
    return _carve(image_folder(train), split, root)


def _carve(full: DatasetSplit, split: Split, root: Path) -> DatasetSplit:
    """Split one labelled set into train and val by `stratified_split`; it has no test."""
    if split == "test":
        raise DatasetLayoutError(f"{root} has no test split")
    train, val = stratified_split(full.labels, VALIDATION_SHARE, VALIDATION_SEED)
    chosen = train if split == "train" else val
    return DatasetSplit([full.images[i] for i in chosen], full.skipped)


def stratified_split(labels: list[int], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices of (kept, held out): `share` of every class held out, the same for one seed."""
    rng = np.random.default_rng(seed)
    kept: list[int] = []
    held: list[int] = []
    by_class: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        by_class.setdefault(label, []).append(index)
    for label in sorted(by_class):
        members = np.array(by_class[label])
        rng.shuffle(members)
        count = round(len(members) * share) if len(members) > 1 else 0
        held += members[:count].tolist()
        kept += members[count:].tolist()
    return sorted(kept), sorted(held)


def _rafdb(root: Path, split: Split) -> DatasetSplit:
    labels_file, image_dir = root / RAFDB_LABELS, root / RAFDB_IMAGES
    if not labels_file.is_file() or not image_dir.is_dir():
        raise DatasetLayoutError(
            f"{root} is not RAF-DB basic: expected {RAFDB_LABELS} and {RAFDB_IMAGES}/ in it"
        )
    listed: dict[str, list[LabelledImage]] = {"train": [], "test": []}
    skipped: Counter[str] = Counter()
    for number, line in enumerate(labels_file.read_text().splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2 or not parts[1].isdigit() or not 1 <= int(parts[1]) <= len(EMOTIONS):
            raise DatasetLayoutError(
                f"{labels_file} line {number} is {line!r}; expected '<train|test>_NNNN.jpg <1-7>'"
            )
        name = parts[0]
        which = name.split("_", 1)[0]
        if which not in listed:
            raise DatasetLayoutError(
                f"{labels_file} line {number} names {name!r}; expected train_* or test_*"
            )
        path = image_dir / f"{Path(name).stem}_aligned{Path(name).suffix}"
        if not path.is_file():
            skipped["listed but missing"] += 1
            continue
        listed[which].append(LabelledImage(path, int(parts[1]) - 1))
    if split == "test":
        return DatasetSplit(listed["test"], dict(skipped))
    return _carve(DatasetSplit(listed["train"], dict(skipped)), split, root)


def _fer2013_csv(path: Path, split: Split) -> DatasetSplit:
    usage = FER2013_CSV_USAGE[split]
    images: list[LabelledImage] = []
    skipped: Counter[str] = Counter()
    with path.open(newline="") as file:
        reader = csv.DictReader(file)
        if not {"emotion", "pixels", "Usage"} <= set(reader.fieldnames or ()):
            raise DatasetLayoutError(
                f"{path} is not FER2013's CSV: expected the columns emotion, pixels, Usage"
            )
        for row, record in enumerate(reader, start=2):
            if record["Usage"] != usage:
                continue
            try:
                values = np.array(record["pixels"].split(), dtype=np.uint8)
                label = EMOTIONS.index(FER2013_CSV_CLASSES[int(record["emotion"])])
            except (ValueError, IndexError, OverflowError):
                skipped["unreadable CSV row"] += 1
                continue
            if values.size != FER2013_CSV_SIDE**2:
                skipped["unreadable CSV row"] += 1
                continue
            images.append(LabelledImage(path, label, pixels=values.tobytes(), row=row))
    return DatasetSplit(images, dict(skipped))


def class_weights(labels: list[int]) -> np.ndarray:
    """Inverse-frequency weight per class (scikit-learn's "balanced"), 0 for absent classes."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(EMOTIONS))
    weights = np.where(counts > 0, len(labels) / (len(EMOTIONS) * np.maximum(counts, 1)), 0.0)
    return weights.astype(np.float32)
