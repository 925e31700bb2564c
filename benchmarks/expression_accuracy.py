"""Accuracy of the engine's emotion classifier on a labelled image folder (no detector).

    python benchmarks/expression_accuracy.py ../shared/datasets/fer2013/public_test \\
        --chart benchmarks/results/fer2013_public_test_confusion.png

Every image is taken as one aligned face (`whole_image`), as FER2013's 48x48 crops are, and
goes through the engine's own preprocessing and models in batches. Prints one table (overall
accuracy, macro-F1, per-class accuracy) and writes the confusion matrix as a PNG.
"""

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from tqdm import tqdm

from bot.settings import load_settings
from fer_engine.emotions import EMOTIONS
from fer_engine.loading import load_pipeline
from fer_engine.train.datasets import image_folder
from fer_engine.train.metrics import ClassificationReport, classification_report

BATCH = 256


def evaluate(dataset: Path, config: Path | None) -> ClassificationReport:
    settings = load_settings(config).engine
    faces = settings.faces.model_copy(update={"detector": "whole_image"})
    pipeline = load_pipeline(settings.model_copy(update={"faces": faces}))
    images = image_folder(dataset)
    predictions = []
    for start in tqdm(range(0, len(images), BATCH), desc="classifying", unit="batch"):
        batch = images[start : start + BATCH]
        prepared = [pipeline.prepare(image.path.read_bytes()).faces[0] for image in batch]
        results, _ = pipeline.infer(prepared)
        predictions += [int(np.argmax(result.probs)) for result in results]
    return classification_report([image.label for image in images], predictions)


def draw_confusion(report: ClassificationReport, title: str, path: Path) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", type=Path, help="a folder of <class>/<image> files")
    parser.add_argument("--config", type=Path, help="ferbot settings (default: the defaults)")
    parser.add_argument("--chart", type=Path, help="where to write the confusion matrix PNG")
    args = parser.parse_args()
    report = evaluate(args.dataset, args.config)
    print(f"| images | accuracy | macro-F1 | {' | '.join(EMOTIONS)} |")
    print("|---" * (3 + len(EMOTIONS)) + "|")
    per_class = " | ".join(
        f"{report.per_class_accuracy[name]:.3f} ({report.support[name]})" for name in EMOTIONS
    )
    total = report.confusion.sum()
    print(f"| {total} | {report.accuracy:.4f} | {report.macro_f1:.4f} | {per_class} |")
    if args.chart:
        title = (
            f"{args.dataset.name}: accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}"
        )
        draw_confusion(report, title, args.chart)
        print(f"\nconfusion matrix: {args.chart}")


if __name__ == "__main__":
    main()
