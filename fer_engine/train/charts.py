"""Charts of training and evaluation, drawn for people: curves and the confusion matrix."""

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from fer_engine.emotions import EMOTIONS
from fer_engine.train.metrics import ClassificationReport


class EpochLike(Protocol):
    """One epoch's numbers, as `cnn_training.EpochResult` holds them."""

    epoch: int
    train_loss: float
    val_accuracy: float
    val_macro_f1: float


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


def draw_curves(history: Sequence[EpochLike], title: str, path: Path) -> None:
    """Training loss and validation accuracy per epoch, on two axes, so a run that overfits or
    stalls shows at a glance."""
    epochs = [row.epoch for row in history]
    figure, loss_axes = plt.subplots(figsize=(7, 4))
    loss_axes.plot(epochs, [row.train_loss for row in history], "o-", color="tab:red")
    loss_axes.set_xlabel("epoch")
    loss_axes.set_ylabel("training loss", color="tab:red")
    accuracy_axes = loss_axes.twinx()
    accuracy_axes.plot(epochs, [row.val_accuracy for row in history], "s-", color="tab:blue")
    accuracy_axes.plot(epochs, [row.val_macro_f1 for row in history], "^--", color="tab:cyan")
    accuracy_axes.set_ylabel("validation accuracy / macro-F1", color="tab:blue")
    loss_axes.set_title(title)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
