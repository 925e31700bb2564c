"""Every expression classifier alone and every ensemble of them, side by side, in one run.

    python -m benchmarks.classifiers
    python -m benchmarks.classifiers --members bundled,fer2013-fer_vgg,runs/fer2013-fer_vgg32-s1

A member is named as `engine.head.checkpoint` names it and read the engine's way (its own
CNN, crop and temperature). Each member's probabilities are collected once per face; an
ensemble's row is their mean, which is exactly what `engine.head.ensemble` serves
(tests/fer_engine/test_ensemble.py holds the engine to that mean). Columns:
- FER2013 public_test (`ferbot eval`'s path: each 48 px picture one whole face): accuracy,
  macro-F1, the worst class, and the 15-bin expected calibration error;
- realphotos-dev through the whole path (RetinaFace, zoom-out, the largest face; no face
  counts as wrong), in total and per class.
Probabilities are kept in --cache, so a new member does not recompute the others.
"""

import argparse
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from benchmarks.face_finding import REALPHOTOS, largest_face
from fer_engine.emotions import EMOTIONS
from fer_engine.loading import head_folder, load_pipeline
from fer_engine.settings import EngineSettings
from fer_engine.train.calibration import expected_calibration_error
from fer_engine.train.datasets import DatasetSplit, image_folder, load_split
from fer_engine.train.evaluation import checkpoint_settings, evaluate_engine
from fer_engine.train.metrics import classification_report
from ferbot.settings import load_settings

ROOT = Path(__file__).parents[1]
FER2013 = ROOT.parent / "shared" / "datasets" / "fer2013"
SHIPPED = "bundled,fer-mini-xception,fer2013-fer_vgg"


@dataclass(frozen=True)
class Readings:
    """One member's probabilities: public_test faces (with their labels: unreadable images
    are skipped), and realphotos-dev's largest faces (NaN rows where no face was found)."""

    public_test: np.ndarray
    public_labels: np.ndarray
    realphotos: np.ndarray


def on_realphotos(settings: EngineSettings, photos: DatasetSplit) -> np.ndarray:
    pipeline = load_pipeline(settings)
    rows = []
    for photo in tqdm(photos.images, desc=f"realphotos-dev {settings.head.checkpoint}"):
        result = largest_face(pipeline, pipeline.prepare(photo.read_bytes()))
        rows.append(result.probs if result else (float("nan"),) * len(EMOTIONS))
    return np.array(rows)


def readings(
    settings: EngineSettings, member: str, data: tuple[DatasetSplit, DatasetSplit], cache: Path
) -> Readings:
    """The member's probabilities on both sets, from the cache when it holds them."""
    path = cache / f"{member.strip('/').replace('/', '_')}.npz"
    if path.is_file():
        return Readings(**np.load(path))
    split, photos = data
    alone = checkpoint_settings(settings, head_folder(member))
    public = evaluate_engine(alone, split)
    found = Readings(public.probs, public.labels, on_realphotos(alone, photos))
    cache.mkdir(parents=True, exist_ok=True)
    np.savez(path, **vars(found))
    return found


def row(name: str, group: list[Readings], truth: np.ndarray) -> str:
    """The mean of the group's probabilities, measured; `truth` holds realphotos-dev's labels."""
    public = np.mean([member.public_test for member in group], axis=0)
    real = np.mean([member.realphotos for member in group], axis=0)
    labels = group[0].public_labels
    report = classification_report(labels.tolist(), public.argmax(axis=1).tolist())
    worst = min(report.per_class_accuracy, key=report.per_class_accuracy.__getitem__)
    ece = expected_calibration_error(public, labels)
    right = ~np.isnan(real).any(axis=1) & (np.nan_to_num(real).argmax(axis=1) == truth)
    present = [index for index, _ in enumerate(EMOTIONS) if (truth == index).any()]
    per_class = " | ".join(f"{right[truth == index].mean():.2f}" for index in present)
    return (
        f"| {name} | {report.accuracy:.3f} | {report.macro_f1:.3f} "
        f"| {worst} {report.per_class_accuracy[worst]:.3f} | {ece:.3f} "
        f"| {right.mean():.3f} | {per_class} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", default=SHIPPED, help="comma-separated checkpoints")
    parser.add_argument("--fer2013", type=Path, default=FER2013)
    parser.add_argument("--realphotos", type=Path, default=REALPHOTOS)
    parser.add_argument("--config", type=Path, help="ferbot settings (default: the defaults)")
    parser.add_argument("--cache", type=Path, default=ROOT / "runs" / "classifier-readings")
    args = parser.parse_args()
    torch.set_grad_enabled(False)

    settings = load_settings(args.config).engine.model_copy(update={"device": "cpu"})
    data = (load_split(args.fer2013, "fer2013", "val"), image_folder(args.realphotos))
    members = args.members.split(",")
    read = {member: readings(settings, member, data, args.cache) for member in members}
    truth = np.array([photo.label for photo in data[1].images])
    present = [name for index, name in enumerate(EMOTIONS) if (truth == index).any()]
    print(
        "| classifier | public_test accuracy | macro-F1 | worst class | ECE "
        f"| realphotos-dev ({len(truth)}) | " + " | ".join(present) + " |"
    )
    print("|---" * (6 + len(present)) + "|")
    for size in range(1, len(members) + 1):
        for group in combinations(members, size):
            print(row(" + ".join(group), [read[member] for member in group], truth), flush=True)
    print(f"members: {', '.join(members)}", file=sys.stderr)


if __name__ == "__main__":
    main()
