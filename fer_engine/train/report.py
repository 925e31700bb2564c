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


# The study's numbers (../shared/seed/study-en.md): RAF-DB, its own split (test 1,533 images,
# half of the official test), accuracy on that test set.
STUDY_CNN = {"vgg16": 0.668, "resnet18": 0.746, "densenet121": 0.769}
STUDY_AUGMENT = {"none": 0.734, "flip": 0.746, "rotate": 0.727, "crop": 0.577}
# Their "MLP + attention" was a softmax over one element (a no-op): a concat-MLP in effect.
STUDY_HEADS = {"cnn": 0.769, "concat": 0.822, "self_attention": 0.814, "cross_attention": 0.808}
STUDY_PER_CLASS = {
    "surprise": (0.755, 0.798),
    "fear": (0.432, 0.585),
    "disgust": (0.518, 0.552),
    "happy": (0.901, 0.918),
    "sad": (0.733, 0.793),
    "angry": (0.642, 0.728),
    "neutral": (0.686, 0.800),
}
HEAD_NAMES = {
    "cnn": "CNN alone",
    "text": "text alone (caption embedding)",
    "concat": "concat MLP (the study's 'MLP + attention')",
    "gated": "gated fusion",
    "self_attention": "self-attention over modality tokens",
    "cross_attention": "cross-attention (image tokens -> caption tokens)",
}


def _study_cnn(arch: str, augment: str) -> float | None:
    """The study's number for this network and augmentation; it ran the grid on ResNet18 only
    and the other networks with flip."""
    if arch == "resnet18":
        return STUDY_AUGMENT.get(augment)
    return STUDY_CNN.get(arch) if augment == "flip" else None


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _count(value: int | None) -> str:
    """A count a run may not have recorded (a shipped checkpoint keeps no history)."""
    return "-" if value is None else str(value)


def _mean_std(stat: dict[str, float]) -> str:
    return f"{100 * stat['mean']:.1f} ± {100 * stat['std']:.1f}%"


# `ferbot eval --report <cnn run>/test` puts a run's test scores where the report finds them.
TEST_REPORT = "test"


def cnn_run_rows(cnn_runs: list[Path]) -> list[dict]:
    """What each `ferbot train cnn` folder reached: arch, augmentation, val metrics, epochs."""
    rows = []
    for folder in cnn_runs:
        training = json.loads((folder / "head.json").read_text())["training"]
        history_file = folder / "history.json"
        ran = len(json.loads(history_file.read_text())) if history_file.is_file() else None
        test_file = folder / TEST_REPORT / "metrics.json"
        test = json.loads(test_file.read_text()) if test_file.is_file() else {}
        rows.append(
            {
                "folder": folder.name,
                "arch": training["config"]["arch"],
                "augment": training["config"]["augment"],
                "val_accuracy": training["val_accuracy"],
                "val_macro_f1": training["val_macro_f1"],
                "test_accuracy": test.get("accuracy"),
                "best_epoch": training["best_epoch"],
                "epochs_ran": ran,
                "epochs_cap": training["config"]["epochs"],
                "dataset": training.get("dataset", ""),
            }
        )
    return rows


def write_study_report(
    folder: Path, heads_folder: Path | None = None, cnn_runs: tuple[Path, ...] = ()
) -> Path:
    """`report.md` in `folder`: the study's tables beside ours (CNNs, augmentations, heads,
    per-class gains), for whichever of them these runs cover."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["# The study, reproduced", ""]
    rows = cnn_run_rows(list(cnn_runs))
    if rows:
        lines += [
            "## CNN comparison",
            "",
            "Study: RAF-DB, its own split, test accuracy. Ours: the datasets named below; "
            "validation accuracy and macro-F1 (the split early stopping watched), and test "
            "accuracy where the run was evaluated on a test split.",
            "",
            "| run | CNN | augmentation | study | ours: val accuracy | ours: val macro-F1 "
            "| ours: test accuracy | best epoch / ran (cap) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in rows:
            lines.append(
                f"| {row['folder']} | {row['arch']} | {row['augment']} | "
                f"{_pct(_study_cnn(row['arch'], row['augment']))} | {_pct(row['val_accuracy'])} | "
                f"{row['val_macro_f1']:.3f} | {_pct(row['test_accuracy'])} | "
                f"{row['best_epoch']} / {_count(row['epochs_ran'])} "
                f"({row['epochs_cap']}) |"
            )
        resnets = {row["augment"]: row for row in rows if row["arch"] == "resnet18"}
        lines += [
            "",
            "## Augmentation comparison (ResNet18)",
            "",
            "| augmentation | study | ours: val accuracy |",
            "|---|---|---|",
            *(
                f"| {kind} | {_pct(study)} | "
                f"{_pct(resnets[kind]['val_accuracy']) if kind in resnets else 'not run'} |"
                for kind, study in STUDY_AUGMENT.items()
            ),
            "",
            "Datasets: " + "; ".join(sorted({row["dataset"] for row in rows if row["dataset"]})),
            "",
        ]
    summary_file = heads_folder / "heads.json" if heads_folder else None
    if summary_file and summary_file.is_file():
        lines += _head_tables(json.loads(summary_file.read_text()))
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _head_tables(summary: dict[str, dict]) -> list[str]:
    lines = [
        "## Head comparison",
        "",
        "Study: test accuracy on half of RAF-DB's test set, heads trained on 40% of train, its",
        "attention a no-op. Ours: test split, mean ± standard deviation over seeds.",
        "",
        "| head | study | ours: accuracy | ours: macro-F1 | seeds |",
        "|---|---|---|---|---|",
    ]
    for kind, stats in summary.items():
        lines.append(
            f"| {HEAD_NAMES.get(kind, kind)} | {_pct(STUDY_HEADS.get(kind))} | "
            f"{_mean_std(stats['test_accuracy'])} | {_mean_std(stats['test_macro_f1'])} | "
            f"{len(stats['seeds'])} |"
        )
    fused = {k: v for k, v in summary.items() if k not in ("cnn", "text")}
    if "cnn" in summary and fused:
        best = max(fused, key=lambda kind: fused[kind]["test_accuracy"]["mean"])
        lines += [
            "",
            f"## Per-class accuracy: CNN alone -> fusion (ours: {HEAD_NAMES[best]})",
            "",
            "| class | study: CNN | study: fusion | ours: CNN | ours: fusion | ours: gain |",
            "|---|---|---|---|---|---|",
        ]
        for emotion in EMOTIONS:
            cnn = summary["cnn"]["test_per_class"][emotion]
            fusion = fused[best]["test_per_class"][emotion]
            study_cnn, study_fusion = STUDY_PER_CLASS[emotion]
            lines.append(
                f"| {emotion} | {study_cnn:.3f} | {study_fusion:.3f} | {cnn:.3f} | "
                f"{fusion:.3f} | {fusion - cnn:+.3f} |"
            )
    return [*lines, ""]
