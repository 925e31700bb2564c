"""Charts of evaluation results, drawn for people: the confusion matrix as a PNG."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from fer_engine.emotions import EMOTIONS
from fer_engine.train.metrics import ClassificationReport


def draw_confusion(report: ClassificationReport, title: str, path: Path) -> None:
    """Row-normalised confusion matrix (each true class sums to 1), shares written in the cells."""
    shares = report.confusion / np.maximum(report.confusion.sum(axis=1, keepdims=True), 1)
    figure, axes = plt.subplots(figsize=(7, 6))
    axes.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(EMOTIONS)), EMOTIONS, rotation=45, ha="right")
    axes.set_yticks(range(len(EMOTIONS)), EMOTIONS)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    for row in range(len(EMOTIONS)):
        for col in range(len(EMOTIONS)):
            colour = "white" if shares[row, col] > 0.5 else "black"
            axes.text(col, row, f"{shares[row, col]:.2f}", ha="center", va="center", color=colour)
    axes.set_title(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)
    plt.close(figure)
