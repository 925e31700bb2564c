"""Classification metrics reported side by side: accuracy, per-class recall, macro-F1."""

from dataclasses import dataclass

import numpy as np

from fer_engine.emotions import EMOTIONS


@dataclass(frozen=True)
class ClassificationReport:
    """Everything worth printing about predictions against labels, in EMOTIONS order."""

    confusion: np.ndarray  # rows: true class, columns: predicted class
    accuracy: float
    per_class_accuracy: dict[str, float]  # recall of each class
    macro_f1: float
    support: dict[str, int]


def classification_report(labels: list[int], predictions: list[int]) -> ClassificationReport:
    """Metrics of `predictions` against `labels` (class indices in EMOTIONS order)."""
    classes = len(EMOTIONS)
    confusion = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(confusion, (np.asarray(labels), np.asarray(predictions)), 1)
    true_counts, predicted_counts = confusion.sum(axis=1), confusion.sum(axis=0)
    hits = np.diag(confusion)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(true_counts > 0, hits / true_counts, 0.0)
        precision = np.where(predicted_counts > 0, hits / predicted_counts, 0.0)
        f1 = np.where(recall + precision > 0, 2 * recall * precision / (recall + precision), 0.0)
    present = true_counts > 0
    return ClassificationReport(
        confusion=confusion,
        accuracy=float(hits.sum() / max(1, confusion.sum())),
        per_class_accuracy={name: float(r) for name, r in zip(EMOTIONS, recall, strict=True)},
        macro_f1=float(f1[present].mean()) if present.any() else 0.0,
        support={name: int(n) for name, n in zip(EMOTIONS, true_counts, strict=True)},
    )
