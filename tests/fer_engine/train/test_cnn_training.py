import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from bot.cli import main
from fer_engine.settings import EngineSettings
from fer_engine.train.cnn_training import STATE_FILE, CnnTrainingConfig, train_cnn
from fer_engine.train.datasets import load_split
from fer_engine.train.evaluation import checkpoint_settings, evaluate_engine
from tests.fer_engine.train.synthetic import write_class_folders

FERBOT = Path(sys.executable).parent / "ferbot"


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_class_folders(tmp_path_factory.mktemp("faces"), per_class=6)


def test_the_engine_loads_a_trained_cnn_and_scores_it_as_training_did(
    faces: Path, tmp_path: Path
) -> None:
    train, val = load_split(faces, "imagefolder", "train"), load_split(faces, "imagefolder", "val")
    config = CnnTrainingConfig(arch="resnet18", input_size=32, epochs=2, patience=2)
    history = train_cnn(config, train, val, tmp_path, device="cpu")
    best = max(history, key=lambda result: result.val_accuracy)
    settings = checkpoint_settings(EngineSettings(device="cpu"), tmp_path)
    assert (settings.cnn.arch, settings.cnn.input_size, settings.faces.margin) == (
        "resnet18",
        32,
        0.0,
    )
    engine_scores = evaluate_engine(settings, val).report
    assert engine_scores.accuracy == pytest.approx(best.val_accuracy)
    assert engine_scores.macro_f1 == pytest.approx(best.val_macro_f1)


def test_an_interrupted_cnn_training_resumes_after_its_last_finished_epoch(
    faces: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    command = [
        FERBOT, "train", "cnn", "--data", faces, "--out", out, "--input-size", "32",
        "--epochs", "4", "--patience", "4", "--device", "cpu", "--threads", "1",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (out / STATE_FILE).is_file() and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = len(torch.load(out / STATE_FILE, weights_only=False)["history"])
    assert 1 <= done < 4

    result = CliRunner().invoke(main, [str(arg) for arg in command[1:]])
    assert result.exit_code == 0, result.output
    epochs = [
        int(line.split(":")[0].split()[1])
        for line in result.stdout.splitlines()
        if line.startswith("epoch ")
    ]
    assert epochs[0] == done + 1
    history = json.loads((out / "history.json").read_text())
    assert [row["epoch"] for row in history] == list(range(1, len(history) + 1))


def test_a_dataset_in_the_wrong_layout_stops_training_with_one_line(tmp_path: Path) -> None:
    write_class_folders(tmp_path, per_class=1)
    result = CliRunner().invoke(
        main, ["train", "cnn", "--data", str(tmp_path), "--layout", "rafdb", "--out", "x"]
    )
    assert result.exit_code == 1
    assert "expected EmoLabel/list_patition_label.txt and Image/aligned/ in it" in result.output
    assert "Traceback" not in result.output
