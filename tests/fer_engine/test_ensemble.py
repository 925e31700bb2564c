from pathlib import Path

import pytest
import torch
from PIL import Image

from fer_engine.errors import CheckpointMismatch
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.settings import EngineSettings
from fer_engine.train.evaluation import checkpoint_settings
from tests.conftest import with_head
from tests.fer_engine.test_pipeline import assert_batched_equals_one_at_a_time
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
