"""Labelled face images on disk, with their labels mapped to ferbot's class order."""

from dataclasses import dataclass
from pathlib import Path

from fer_engine.emotions import EMOTIONS, canonical_emotion

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass(frozen=True)
class LabelledImage:
    """One image file and its class index in EMOTIONS order."""

    path: Path
    label: int


def image_folder(root: Path) -> list[LabelledImage]:
    """`root/<class>/<image>` (FER2013's and ImageFolder's layout), class names in any spelling."""
    if not root.is_dir():
        raise FileNotFoundError(f"dataset folder {root} does not exist")
    images = []
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        label = EMOTIONS.index(canonical_emotion(folder.name))
        images += [
            LabelledImage(path, label)
            for path in sorted(folder.iterdir())
            if path.suffix.lower() in IMAGE_SUFFIXES
        ]
    return images
