"""Tiny labelled datasets drawn in memory, written in every layout the training code reads.

Each class is a face-like oval with its own mark (a polygon of 3..9 sides at its own spot),
jittered and noised per image, so a classifier can tell the classes apart and no two images
are the same file.
"""

import csv
import io
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from fer_engine.emotions import EMOTIONS, canonical_emotion
from fer_engine.train.datasets import FER2013_CSV_CLASSES, RAFDB_IMAGES, RAFDB_LABELS

SIDE = 48


def drawn_face(label: int, seed: int, side: int = SIDE) -> Image.Image:
    """A grey face-like picture whose mark says its class."""
    rng = np.random.default_rng(seed * 7 + label)
    image = Image.new("L", (side, side), int(rng.integers(30, 60)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 4, side - 6, side - 2), fill=int(rng.integers(120, 160)))
    angle0 = rng.uniform(0, math.tau)
    cx = side / 2 + (label - 3) * 3 + rng.uniform(-1, 1)
    cy = side * 0.6 + rng.uniform(-1, 1)
    sides = label + 3
    points = [
        (
            cx + 9 * math.cos(angle0 + math.tau * k / sides),
            cy + 9 * math.sin(angle0 + math.tau * k / sides),
        )
        for k in range(sides)
    ]
    draw.polygon(points, fill=255 if label % 2 else 0)
    pixels = np.asarray(image, dtype=np.int16) + rng.integers(-8, 9, (side, side))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def write_class_folders(
    root: Path, per_class: int, seed: int = 0, names: tuple[str, ...] = EMOTIONS
) -> Path:
    """`root/<class>/<n>.png` with `per_class` images of each class, folders named `names`."""
    for name in names:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        label = EMOTIONS.index(canonical_emotion(name))
        for n in range(per_class):
            (folder / f"{seed}-{n}.png").write_bytes(_png(drawn_face(label, seed * 1000 + n)))
    return root


def write_fer2013_folders(root: Path, per_class: int) -> Path:
    """FER2013's folder layout: `train/` and `public_test/`, class folders as FER names them."""
    names = tuple(sorted(EMOTIONS))
    write_class_folders(root / "train", per_class, seed=1, names=names)
    write_class_folders(root / "public_test", max(1, per_class // 3), seed=2, names=names)
    return root


def write_fer2013_csv(path: Path, per_class: int) -> Path:
    """FER2013's original CSV: emotion (0..6 in FER's order), pixels, Usage."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["emotion", "pixels", "Usage"])
        for usage, seed in (("Training", 1), ("PublicTest", 2), ("PrivateTest", 3)):
            for fer_label, name in enumerate(FER2013_CSV_CLASSES):
                for n in range(per_class):
                    pixels = np.asarray(drawn_face(EMOTIONS.index(name), seed * 1000 + n))
                    writer.writerow([fer_label, " ".join(map(str, pixels.ravel())), usage])
    return path


def write_rafdb(root: Path, train_per_class: int, test_per_class: int) -> Path:
    """RAF-DB basic: `EmoLabel/list_patition_label.txt` (labels 1..7), `Image/aligned/`."""
    images = root / RAFDB_IMAGES
    images.mkdir(parents=True)
    lines = []
    for which, count, seed in (("train", train_per_class, 1), ("test", test_per_class, 2)):
        number = 0
        for label in range(len(EMOTIONS)):
            for n in range(count):
                number += 1
                name = f"{which}_{number:05d}" if which == "train" else f"{which}_{number:04d}"
                drawn_face(label, seed * 1000 + n).convert("RGB").save(
                    images / f"{name}_aligned.jpg", quality=95
                )
                lines.append(f"{name}.jpg {label + 1}")
    labels = root / RAFDB_LABELS
    labels.parent.mkdir(parents=True)
    labels.write_text("\n".join(lines) + "\n")
    return root
