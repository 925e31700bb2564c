import json
import re
import shutil
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from fer_engine.errors import CheckpointMismatch
from fer_engine.loading import head_folder, load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.settings import EngineSettings
from fer_engine.train.evaluation import checkpoint_settings
from ferbot.cli import main
from tests.conftest import with_head
from tests.fer_engine.test_pipeline import assert_batched_equals_one_at_a_time
from tests.fer_engine.train.synthetic import write_class_folders
from tests.images import GROUP_JPEG, encode

VGG = "fer2013-fer_vgg"


def settings_with(checkpoint: str = "bundled", ensemble: tuple[str, ...] = ()) -> EngineSettings:
    head = EngineSettings().head.model_copy(update={"checkpoint": checkpoint, "ensemble": ensemble})
    return EngineSettings(device="cpu", head=head)


@pytest.fixture(scope="module")
def ensemble() -> Pipeline:
    """The bundled face-api net (112 px colour, aligned) with the shipped fer_vgg (48 px grey)."""
    return load_pipeline(settings_with(ensemble=(VGG,)))


def probs_of(pipeline: Pipeline, photo: bytes) -> torch.Tensor:
    results, _ = pipeline.infer(pipeline.prepare(photo).faces)
    return torch.tensor([result.probs for result in results])


def test_an_ensemble_answers_the_mean_of_its_members_probabilities(ensemble: Pipeline) -> None:
    photo = GROUP_JPEG.read_bytes()
    alone = [load_pipeline(settings_with(name)) for name in ("bundled", VGG)]
    mean = (probs_of(alone[0], photo) + probs_of(alone[1], photo)) / 2
    assert torch.allclose(probs_of(ensemble, photo), mean, atol=1e-5)


def test_each_member_reads_the_face_through_its_own_crop(ensemble: Pipeline) -> None:
    (first, *_) = ensemble.prepare(GROUP_JPEG.read_bytes()).faces
    assert [tuple(pixels.shape) for pixels in first.cnn_pixels] == [(3, 112, 112), (3, 48, 48)]


def test_an_ensemble_batches_faces_of_many_photos_as_it_reads_one(ensemble: Pipeline) -> None:
    mirrored = Image.open(GROUP_JPEG).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    photos = [GROUP_JPEG.read_bytes(), encode(mirrored, "JPEG")]
    assert_batched_equals_one_at_a_time(ensemble, photos)


def test_the_model_version_names_every_member(ensemble: Pipeline) -> None:
    own, member = ensemble.model_version.split("+")
    assert own.endswith("/faceapi_expression") and member.endswith("/fer_vgg")


def test_a_fusion_head_is_refused_as_an_ensemble_member(
    tiny_settings: EngineSettings, tiny_models: Path
) -> None:
    settings = with_head(tiny_settings, tiny_models, "cnn")
    head = settings.head.model_copy(update={"ensemble": (str(tiny_models / "heads" / "gated"),)})
    with pytest.raises(CheckpointMismatch, match=r"ensemble member 1 .* fusion head"):
        load_pipeline(settings.model_copy(update={"head": head}))


def test_evaluating_one_checkpoint_leaves_the_configured_ensemble_out(tiny_models: Path) -> None:
    folder = tiny_models / "heads" / "cnn"
    assert checkpoint_settings(settings_with(ensemble=(VGG,)), folder).head.ensemble == ()


def test_the_ensemble_temperature_sharpens_the_mean_without_changing_the_answer(
    ensemble: Pipeline,
) -> None:
    sharp = settings_with(ensemble=(VGG,))
    sharp = sharp.model_copy(
        update={"head": sharp.head.model_copy(update={"ensemble_temperature": 0.5})}
    )
    photo = GROUP_JPEG.read_bytes()
    mean, sharpened = probs_of(ensemble, photo), probs_of(load_pipeline(sharp), photo)
    assert torch.equal(mean.argmax(dim=1), sharpened.argmax(dim=1))
    assert (sharpened.max(dim=1).values > mean.max(dim=1).values).all()


def test_calibrating_the_configured_ensemble_prints_the_temperature_to_set(
    tmp_path: Path,
) -> None:
    faces = write_class_folders(tmp_path, per_class=10)
    result = CliRunner().invoke(
        main,
        ["train", "calibrate", "--data", str(faces), "--layout", "imagefolder"],
        env={"FERBOT_ENGINE__HEAD__ENSEMBLE": f'["{VGG}"]', "FERBOT_ENGINE__DEVICE": "cpu"},
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"set ensemble_temperature = [0-9.]+ under \[engine.head\]", result.output)


def test_calibrating_with_neither_a_checkpoint_nor_an_ensemble_is_refused(tmp_path: Path) -> None:
    faces = write_class_folders(tmp_path, per_class=3)
    args = ["train", "calibrate", "--data", str(faces), "--layout", "imagefolder"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "name --checkpoint, or configure engine.head.ensemble" in result.output


def test_calibrating_a_checkpoint_writes_the_fitted_temperature_into_its_head_json(
    tmp_path: Path,
) -> None:
    checkpoint = shutil.copytree(head_folder(VGG), tmp_path / "checkpoint")
    faces = write_class_folders(tmp_path / "faces", per_class=10)
    args = ["train", "calibrate", "--data", str(faces), "--checkpoint", str(checkpoint)]
    result = CliRunner().invoke(main, args, env={"FERBOT_ENGINE__DEVICE": "cpu"})
    assert result.exit_code == 0, result.output
    written = json.loads((checkpoint / "head.json").read_text())["temperature"]
    assert f"temperature {written:.3f};" in result.output
