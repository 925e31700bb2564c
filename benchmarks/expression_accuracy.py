"""Accuracy of the engine's emotion classifier on a labelled image folder (no detector).

    python benchmarks/expression_accuracy.py ../shared/datasets/fer2013/public_test \\
        --chart benchmarks/results/fer2013_public_test_confusion.png

Every image is taken as one aligned face (`whole_image`), as FER2013's 48x48 crops are, and
goes through the engine's own preprocessing and models in batches. Prints one table (overall
accuracy, macro-F1, per-class accuracy) and writes the confusion matrix as a PNG.
"""

import argparse
from pathlib import Path

from bot.settings import load_settings
from fer_engine.emotions import EMOTIONS
from fer_engine.train.charts import draw_confusion
from fer_engine.train.datasets import image_folder
from fer_engine.train.evaluation import evaluate_engine
from fer_engine.train.metrics import ClassificationReport


def evaluate(dataset: Path, config: Path | None) -> ClassificationReport:
    return evaluate_engine(load_settings(config).engine, image_folder(dataset)).report


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
