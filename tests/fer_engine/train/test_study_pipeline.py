"""The whole study on a tiny drawn dataset with tiny models, through the `ferbot` commands:
extract -> train heads -> export -> eval -> the engine loads the head and predicts."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fer_engine import EMOTIONS
from fer_engine.checkpoints import load_head
from fer_engine.engine import Engine
from ferbot.cli import main
from ferbot.settings import load_settings
from tests.fer_engine.train.synthetic import drawn_face, write_rafdb
from tests.images import encode

KINDS = "cnn,text,gated,cross_attention"


def ferbot(config: Path, *args: object) -> Result:
    result = CliRunner().invoke(main, ["--config", str(config), *map(str, args)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture(scope="module")
def rafdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_rafdb(tmp_path_factory.mktemp("rafdb"), train_per_class=10, test_per_class=3)


@pytest.fixture(scope="module")
def study(tiny_models: Path, rafdb: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Features extracted, then every head kind trained over two seeds, into one folder."""
    work = tmp_path_factory.mktemp("study")
    config = tiny_models / "ferbot.toml"
    common = ["--data", rafdb, "--layout", "rafdb", "--cache", work / "cache"]
    ferbot(config, "train", "extract", *common, "--device", "cpu")
    ferbot(
        config, "train", "head", *common, "--out", work / "heads", "--kinds", KINDS,
        "--seeds", "0,1", "--epochs", "8", "--patience", "8", "--device", "cpu",
    )  # fmt: skip
    return work


def test_extraction_reports_every_split_of_the_dataset(
    tiny_models: Path, rafdb: Path, study: Path
) -> None:
    result = ferbot(
        tiny_models / "ferbot.toml", "train", "extract", "--data", rafdb, "--layout", "rafdb",
        "--cache", study / "cache", "--device", "cpu",
    )  # fmt: skip
    assert result.stdout.splitlines() == ["train: 63 images", "val: 7 images", "test: 21 images"]


def test_every_kind_is_trained_once_per_seed_and_summarised_with_its_spread(study: Path) -> None:
    summary = json.loads((study / "heads" / "heads.json").read_text())
    assert list(summary) == KINDS.split(",")
    for stats in summary.values():
        assert stats["seeds"] == [0, 1]
        assert 0.0 <= stats["test_accuracy"]["mean"] <= 1.0 and stats["test_accuracy"]["std"] >= 0


def test_the_best_head_is_exported_with_what_it_was_trained_on(
    study: Path, tiny_models: Path
) -> None:
    head = load_head(study / "heads" / "best")
    runs = [json.loads(path.read_text()) for path in (study / "heads").glob("*-seed*/result.json")]
    exported = head.metadata.training["run"]
    assert exported in runs and head.metadata.spec.kind == exported["kind"]
    assert exported["val_accuracy"] == max(run["val_accuracy"] for run in runs)
    assert head.metadata.cnn_arch == "resnet18" and head.metadata.cnn_input_size == 64
    if head.metadata.spec.uses_text:
        assert head.metadata.captioner_model == str(tiny_models / "blip2-t5")


def test_the_report_puts_the_study_beside_our_heads(study: Path) -> None:
    report = (study / "heads" / "report.md").read_text()
    assert "| CNN alone | 76.9% |" in report
    assert "| text alone (caption embedding) | - |" in report
    assert "| fear | 0.432 | 0.585 |" in report


def test_eval_of_the_exported_head_on_the_engine_matches_its_training_test_score(
    tiny_models: Path, rafdb: Path, study: Path, tmp_path: Path
) -> None:
    result = ferbot(
        tiny_models / "ferbot.toml", "eval", "--data", rafdb, "--layout", "rafdb",
        "--checkpoint", study / "heads" / "best", "--json", "--report", tmp_path,
    )  # fmt: skip
    scores = json.loads(result.stdout)
    assert set(scores) == {"accuracy", "macro_f1", "per_class", "ece", "n"}
    assert scores["n"] == 21 and list(scores["per_class"]) == list(EMOTIONS)
    trained = load_head(study / "heads" / "best").metadata.training["run"]
    assert scores["accuracy"] == pytest.approx(trained["test_accuracy"])
    assert (tmp_path / "confusion.png").read_bytes().startswith(b"\x89PNG")


async def test_the_engine_loads_the_exported_head_and_predicts(
    tiny_models: Path, study: Path
) -> None:
    from fer_engine.train.evaluation import checkpoint_settings

    settings = load_settings(tiny_models / "ferbot.toml", environ={}).engine
    settings = checkpoint_settings(settings, study / "heads" / "best")
    faces = settings.faces.model_copy(update={"detector": "whole_image"})
    engine = await Engine.load(settings.model_copy(update={"faces": faces, "device": "cpu"}))
    async with engine:
        analysis = await engine.analyze(encode(drawn_face(3, seed=99), "PNG"))
    (face,) = analysis.faces
    assert list(face.probs) == list(EMOTIONS)
    assert sum(face.probs.values()) == pytest.approx(1.0) and face.caption is not None


def test_fusion_heads_without_captions_stop_with_what_to_add(
    tiny_models: Path, rafdb: Path, study: Path
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--config", str(tiny_models / "ferbot.toml"), "train", "head", "--data", str(rafdb),
            "--layout", "rafdb", "--cache", str(study / "cache"), "--out", str(study / "no-text"),
            "--no-text", "--kinds", "cnn,gated", "--device", "cpu",
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "heads gated read captions: add --text" in result.output
