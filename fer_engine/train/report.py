"""Reports written to a folder: metrics as JSON, the confusion matrix as PNG, tables as markdown."""

import json
from pathlib import Path

from fer_engine.emotions import EMOTIONS
from fer_engine.train.charts import draw_confusion
from fer_engine.train.evaluation import Evaluation


def write_evaluation_report(result: Evaluation, name: str, folder: Path) -> None:
    """`metrics.json`, `confusion.png` and `report.md` of one evaluation in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    report = result.report
    metrics = json.loads(result.to_json()) | {
        "support": report.support,
        "confusion": report.confusion.tolist(),
        "skipped": result.skipped,
    }
    (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    title = f"{name}: accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}"
    draw_confusion(report, title, folder / "confusion.png")
    lines = [
        f"# {name}",
        "",
        f"{result.n} images: accuracy {report.accuracy:.4f}, macro-F1 {report.macro_f1:.4f}.",
        "",
        "| class | accuracy | images |",
        "|---|---|---|",
        *(
            f"| {emotion} | {report.per_class_accuracy[emotion]:.3f} | {report.support[emotion]} |"
            for emotion in EMOTIONS
        ),
        "",
        "![confusion matrix](confusion.png)",
    ]
    if result.skipped:
        lines += ["", "Skipped:", *(f"- {n} {reason}" for reason, n in result.skipped.items())]
    (folder / "report.md").write_text("\n".join(lines) + "\n")
