"""Accuracy of a whole engine (its own decoding, crops, models and head) on a labelled split.

Datasets of aligned face crops are read with the `whole_image` detector: each picture is one
face, so the numbers measure the classifier, not the detector.
"""

import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from fer_engine.checkpoints import METADATA_FILE, HeadMetadata, with_checkpoint_cnn
from fer_engine.emotions import EMOTIONS
from fer_engine.errors import BadImage
from fer_engine.loading import load_pipeline
from fer_engine.settings import EngineSettings
from fer_engine.train.calibration import expected_calibration_error
from fer_engine.train.datasets import DatasetSplit
from fer_engine.train.metrics import ClassificationReport, classification_report

log = logging.getLogger(__name__)

BATCH = 128


@dataclass(frozen=True)
class Evaluation:
    """The report of one engine on one split, and the images it could not read."""

    report: ClassificationReport
    skipped: dict[str, int]
    # Each read image's probabilities (EMOTIONS order) and its label, for calibration.
    probs: np.ndarray
    labels: np.ndarray

    @property
    def calibration_error(self) -> float:
        return expected_calibration_error(self.probs, self.labels)

    @property
    def n(self) -> int:
        return int(self.report.confusion.sum())

    def to_json(self) -> str:
        """`{accuracy, macro_f1, per_class, ece, n}`: the contract of `ferbot eval --json`."""
        return json.dumps(
            {
                "accuracy": self.report.accuracy,
                "macro_f1": self.report.macro_f1,
                "per_class": self.report.per_class_accuracy,
                "ece": self.calibration_error,
                "n": self.n,
            }
        )


def checkpoint_settings(settings: EngineSettings, folder: Path) -> EngineSettings:
    """`settings` switched to the checkpoint in `folder`: its head, the mode it needs, its CNN
    when it carries one (see `with_checkpoint_cnn`), and for a fusion head the captioner and
    text encoder it was trained with."""
    metadata = HeadMetadata.model_validate_json((folder / METADATA_FILE).read_text())
    update: dict = {
        "head": settings.head.model_copy(update={"checkpoint": str(folder), "ensemble": ()}),
        "mode": "fusion" if metadata.spec.uses_text else "cnn",
    }
    if metadata.spec.uses_text:
        update["captioner"] = settings.captioner.model_copy(
            update={"model": metadata.captioner_model, "prompt": metadata.caption_prompt}
        )
        update["text_encoder"] = settings.text_encoder.model_copy(
            update={"model": metadata.text_encoder_model}
        )
    return with_checkpoint_cnn(settings.model_copy(update=update), folder)


def evaluate_engine(settings: EngineSettings, split: DatasetSplit) -> Evaluation:
    """Classify every image of `split` as one face with the engine `settings` describe."""
    faces = settings.faces.model_copy(update={"detector": "whole_image"})
    pipeline = load_pipeline(settings.model_copy(update={"faces": faces}))
    labels: list[int] = []
    probs: list[tuple[float, ...]] = []
    skipped: Counter[str] = Counter(split.skipped)
    for start in tqdm(range(0, len(split.images), BATCH), desc="evaluating", unit="batch"):
        prepared, batch_labels = [], []
        for image in split.images[start : start + BATCH]:
            try:
                prepared.append(pipeline.prepare(image.read_bytes()).faces[0])
            except (BadImage, OSError) as exc:
                log.info("skipping %s: %s", image.name, exc)
                skipped["unreadable image"] += 1
                continue
            batch_labels.append(image.label)
        if prepared:
            results, _ = pipeline.infer(prepared)
            probs += [result.probs for result in results]
            labels += batch_labels
    predictions = [int(np.argmax(row)) for row in probs]
    return Evaluation(
        classification_report(labels, predictions),
        dict(skipped),
        np.array(probs, dtype=np.float64).reshape(-1, len(EMOTIONS)),
        np.array(labels, dtype=np.int64),
    )
