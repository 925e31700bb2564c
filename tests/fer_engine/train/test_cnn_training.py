import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from fer_engine.checkpoints import CNN_WEIGHTS_FILE
from fer_engine.loading import load_pipeline
from fer_engine.settings import EngineSettings
from fer_engine.train.cnn_training import (
    CURVES_FILE,
    STATE_FILE,
    CnnTrainingConfig,
    EpochResult,
    train_cnn,
)
from fer_engine.train.datasets import load_split
from fer_engine.train.evaluation import checkpoint_settings, evaluate_engine
from fer_engine.train.report import write_study_report
from fer_engine.train.shipping import ship_checkpoint
from ferbot.cli import main
from tests.fer_engine.train.synthetic import write_class_folders
from tests.ferbot_command import FERBOT


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_class_folders(tmp_path_factory.mktemp("faces"), per_class=6)


@pytest.fixture(scope="module")
def trained(faces: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EpochResult]:
    """A ResNet18 trained two epochs on the drawn faces, and its best epoch."""
    out = tmp_path_factory.mktemp("resnet18")
    train, val = load_split(faces, "imagefolder", "train"), load_split(faces, "imagefolder", "val")
    config = CnnTrainingConfig(arch="resnet18", input_size=32, epochs=2, patience=2)
    history = train_cnn(config, train, val, out, device="cpu")
    return out, max(history, key=lambda result: result.val_accuracy)


def test_the_engine_loads_a_trained_cnn_and_scores_it_as_training_did(
    faces: Path, trained: tuple[Path, EpochResult]
) -> None:
    folder, best = trained
    val = load_split(faces, "imagefolder", "val")
    settings = checkpoint_settings(EngineSettings(device="cpu"), folder)
    assert (settings.cnn.arch, settings.cnn.input_size, settings.faces.margin) == (
        "resnet18",
        32,
        0.0,
    )
    engine_scores = evaluate_engine(settings, val).report
    assert engine_scores.accuracy == pytest.approx(best.val_accuracy)
    assert engine_scores.macro_f1 == pytest.approx(best.val_macro_f1)


def test_a_cnn_validated_with_flip_tta_is_served_and_scored_with_it(
    faces: Path, tmp_path: Path
) -> None:
    train, val = load_split(faces, "imagefolder", "train"), load_split(faces, "imagefolder", "val")
    config = CnnTrainingConfig(
        arch="fer_vgg", width=8, input_size=32, epochs=1, augment="full", flip_tta=True
    )
    (result,) = train_cnn(config, train, val, tmp_path, device="cpu")
    settings = checkpoint_settings(EngineSettings(device="cpu"), tmp_path)
    assert (settings.cnn.arch, settings.cnn.flip_tta) == ("fer_vgg", True)
    assert evaluate_engine(settings, val).report.accuracy == pytest.approx(result.val_accuracy)


def test_training_draws_its_curves_after_every_epoch(trained: tuple[Path, EpochResult]) -> None:
    assert (trained[0] / CURVES_FILE).stat().st_size > 1000


def test_one_setting_switches_the_engine_to_a_trained_cnn(
    trained: tuple[Path, EpochResult],
) -> None:
    head = EngineSettings().head.model_copy(update={"checkpoint": str(trained[0])})
    pipeline = load_pipeline(EngineSettings(device="cpu", head=head))
    assert pipeline.cnn.arch == "resnet18" and pipeline.settings.cnn.input_size == 32


def test_a_shipped_checkpoint_predicts_as_the_trained_one_in_half_the_bytes(
    faces: Path, trained: tuple[Path, EpochResult], tmp_path: Path
) -> None:
    shipped = ship_checkpoint(trained[0], tmp_path / "shipped")
    val = load_split(faces, "imagefolder", "val")
    scores = [
        evaluate_engine(checkpoint_settings(EngineSettings(device="cpu"), folder), val).report
        for folder in (trained[0], shipped)
    ]
    assert scores[1].accuracy == pytest.approx(scores[0].accuracy)
    size = (shipped / CNN_WEIGHTS_FILE).stat().st_size
    assert size < 0.6 * (trained[0] / CNN_WEIGHTS_FILE).stat().st_size


def test_ferbot_train_ship_puts_a_run_into_the_package_under_its_name(
    trained: tuple[Path, EpochResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("fer_engine.faceapi.bundled.WEIGHTS", tmp_path)
    result = CliRunner().invoke(main, ["train", "ship", str(trained[0]), "mine"])
    assert result.exit_code == 0, result.output
    assert result.output == f"{tmp_path / 'mine'}\n"
    size = (tmp_path / "mine" / CNN_WEIGHTS_FILE).stat().st_size
    assert size < 0.6 * (trained[0] / CNN_WEIGHTS_FILE).stat().st_size


def test_a_shipped_checkpoint_keeps_reading_faces_mirrored_too(faces: Path, tmp_path: Path) -> None:
    train, val = load_split(faces, "imagefolder", "train"), load_split(faces, "imagefolder", "val")
    config = CnnTrainingConfig(arch="fer_vgg", width=8, input_size=32, epochs=1, flip_tta=True)
    train_cnn(config, train, val, tmp_path / "run", device="cpu")
    shipped = ship_checkpoint(tmp_path / "run", tmp_path / "shipped")
    head = EngineSettings().head.model_copy(update={"checkpoint": str(shipped)})
    pipeline = load_pipeline(EngineSettings(device="cpu", head=head))
    assert pipeline.cnn.flip_tta


def test_the_report_sets_a_cnn_run_beside_the_study(
    trained: tuple[Path, EpochResult], tmp_path: Path
) -> None:
    folder, best = trained
    report = write_study_report(tmp_path, cnn_runs=(folder,)).read_text()
    row = f"| {folder.name} | resnet18 | flip | 74.6% | {100 * best.val_accuracy:.1f}% |"
    assert row in report
    assert "| crop | 57.7% | not run |" in report


def test_the_report_shows_a_dash_for_the_epochs_a_shipped_checkpoint_did_not_keep(
    trained: tuple[Path, EpochResult], tmp_path: Path
) -> None:
    shipped = ship_checkpoint(trained[0], tmp_path / "shipped")
    report = write_study_report(tmp_path / "report", cnn_runs=(shipped,)).read_text()
    assert f"| {trained[1].epoch} / - (2) |" in report


def test_an_interrupted_cnn_training_resumes_after_its_last_finished_epoch(
    faces: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    arguments = [
        "train", "cnn", "--data", faces, "--out", out, "--input-size", "32",
        "--epochs", "4", "--patience", "4", "--device", "cpu", "--threads", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        [*FERBOT, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while not (out / STATE_FILE).is_file() and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(torch.load(out / STATE_FILE, weights_only=False)["history"])
    assert 1 <= done < 4

    result = CliRunner().invoke(main, [str(arg) for arg in [*arguments, "--resume"]])
    assert result.exit_code == 0, result.output
    epochs = [
        int(line.split(":")[0].split()[1])
        for line in result.stdout.splitlines()
        if line.startswith("epoch ")
    ]
    assert epochs[0] == done + 1
    history = json.loads((out / "history.json").read_text())
    assert [row["epoch"] for row in history] == list(range(1, len(history) + 1))


def test_a_folder_holding_a_run_is_not_continued_without_resume(
    faces: Path, trained: tuple[Path, EpochResult]
) -> None:
    args = ["train", "cnn", "--data", str(faces), "--out", str(trained[0])]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "already holds a run: add --resume to continue it" in result.output


def test_resuming_with_other_settings_names_them_in_one_line(
    faces: Path, trained: tuple[Path, EpochResult]
) -> None:
    args = ["train", "cnn", "--data", str(faces), "--out", str(trained[0]), "--resume"]
    result = CliRunner().invoke(main, [*args, "--input-size", "32", "--lr", "0.5"])
    assert result.exit_code == 1
    assert "holds a run with other settings (epochs, lr, patience differ)" in result.output
    assert "Traceback" not in result.output


def test_resuming_from_a_file_that_is_not_a_saved_run_is_one_line(
    faces: Path, tmp_path: Path
) -> None:
    (tmp_path / STATE_FILE).write_bytes(b"half a pickle")
    args = ["train", "cnn", "--data", str(faces), "--out", str(tmp_path), "--resume"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    *_, line = result.stderr.splitlines()  # after the line naming the dataset
    assert line.startswith("Error: ") and "is not a saved run" in line
    assert "Traceback" not in result.output


def test_resuming_weights_that_do_not_fit_the_model_is_one_line(
    faces: Path, trained: tuple[Path, EpochResult], tmp_path: Path
) -> None:
    state = torch.load(trained[0] / STATE_FILE, weights_only=False)
    state["model"] = {name: torch.zeros(1) for name in state["model"]}  # another shape each
    torch.save(state, tmp_path / STATE_FILE)
    args = ["train", "cnn", "--data", str(faces), "--out", str(tmp_path), "--resume"]
    result = CliRunner().invoke(
        main, [*args, "--input-size", "32", "--epochs", "2", "--patience", "2"]
    )
    assert result.exit_code == 1
    *_, line = result.stderr.splitlines()
    assert line.startswith("Error: ") and "does not fit the resnet18 these settings build" in line
    assert "Traceback" not in result.output


def test_a_dataset_in_the_wrong_layout_stops_training_with_one_line(tmp_path: Path) -> None:
    write_class_folders(tmp_path, per_class=1)
    result = CliRunner().invoke(
        main, ["train", "cnn", "--data", str(tmp_path), "--layout", "rafdb", "--out", "x"]
    )
    assert result.exit_code == 1
    assert "expected EmoLabel/list_patition_label.txt and Image/aligned/ in it" in result.output
    assert "Traceback" not in result.output
