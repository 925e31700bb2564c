"""The engine on its defaults: bundled RetinaFace faces and expression net, no network, no GPU."""

from pathlib import Path

import pytest
import torch
from PIL import Image

from fer_engine.engine import Engine
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.settings import EngineSettings
from tests.images import EXIF_ORIENTATION, FACE_JPEG, GROUP_JPEG, encode, noise

FIXTURES = Path(__file__).parents[2] / "fixtures" / "faceapi"
ROTATED_90_CW = 6


@pytest.fixture(scope="module")
def bundled() -> Pipeline:
    return load_pipeline(EngineSettings(device="cpu"))


async def analyze(pipeline: Pipeline, data: bytes):
    async with Engine(pipeline, pipeline.settings.serving) as engine:
        return await engine.analyze(data)


def lying_on_its_side(path: Path) -> bytes:
    """The photo's pixels turned a quarter, losslessly, with EXIF saying how to stand it up."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    upright = Image.open(path).convert("RGB")
    return encode(upright.transpose(Image.Transpose.ROTATE_90), "PNG", exif=exif)


def test_the_defaults_use_the_bundled_models(bundled: Pipeline) -> None:
    assert bundled.model_version.endswith("/faceapi_expression")
    assert not bundled.uses_text


async def test_a_smiling_face_is_happy(bundled: Pipeline) -> None:
    (face,) = (await analyze(bundled, FACE_JPEG.read_bytes())).faces
    assert face.emotion == "happy" and face.confidence > 0.6 and face.caption is None


async def test_a_group_photo_gives_every_face_left_to_right(bundled: Pipeline) -> None:
    faces = (await analyze(bundled, GROUP_JPEG.read_bytes())).faces
    assert len(faces) == 3
    assert [face.box[0] for face in faces] == sorted(face.box[0] for face in faces)


async def test_a_picture_without_a_face_gives_none(bundled: Pipeline) -> None:
    assert (await analyze(bundled, encode(noise(0, (640, 480)), "JPEG"))).faces == ()


@pytest.mark.parametrize("name", ["sample1.jpg", "sample4.jpg"])
async def test_an_exif_rotated_copy_gives_the_same_faces(bundled: Pipeline, name: str) -> None:
    upright = await analyze(bundled, encode(Image.open(FIXTURES / name).convert("RGB"), "PNG"))
    rotated = await analyze(bundled, lying_on_its_side(FIXTURES / name))
    assert [face.box for face in rotated.faces] == [face.box for face in upright.faces]
    for ours, theirs in zip(rotated.faces, upright.faces, strict=True):
        assert ours.probs == pytest.approx(theirs.probs, abs=1e-6)


def test_batched_results_equal_one_at_a_time(bundled: Pipeline) -> None:
    faces = [
        face
        for path in sorted(FIXTURES.glob("sample*.jpg"))
        for face in bundled.prepare(path.read_bytes()).faces
    ]
    together, _ = bundled.infer(faces)
    for face, batched in zip(faces, together, strict=True):
        (alone,), _ = bundled.infer([face])
        assert torch.allclose(torch.tensor(alone.probs), torch.tensor(batched.probs), atol=1e-5)
    assert len(faces) > 20


def test_a_group_of_more_than_max_faces_keeps_the_largest(bundled: Pipeline) -> None:
    faces = bundled.settings.faces.model_copy(update={"max_faces": 2})
    few = load_pipeline(bundled.settings.model_copy(update={"faces": faces}))
    prepared = few.prepare((FIXTURES / "sample5.jpg").read_bytes())
    everyone = bundled.prepare((FIXTURES / "sample5.jpg").read_bytes())
    largest = sorted((face.box.area for face in everyone.faces), reverse=True)[:2]
    assert sorted((face.box.area for face in prepared.faces), reverse=True) == largest
