"""The Ray backend answers what the local backend answers, for the same photos."""

import asyncio

import pytest

from fer_engine import Analysis, BadImage
from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from fer_engine.serve import RemoteEngine
from fer_engine.settings import EngineSettings
from tests.images import FACE_JPEG, encode, noise

# The first test also waits for Ray to start and the engine to deploy: minutes on an
# overloaded machine.
pytestmark = pytest.mark.timeout(900)

PHOTOS = [FACE_JPEG.read_bytes(), *(encode(noise(seed, (64, 48)), "JPEG") for seed in range(5))]


def same_analysis(remote: Analysis, local: Analysis) -> None:
    assert remote.model_version == local.model_version
    assert remote.image_size == local.image_size
    assert len(remote.faces) == len(local.faces)
    for there, here in zip(remote.faces, local.faces, strict=True):
        assert there.box == here.box
        assert there.emotion == here.emotion
        assert there.caption == here.caption
        assert there.probs == pytest.approx(here.probs, abs=1e-5)  # batching moves the 7th digit


async def test_the_ray_backend_answers_what_the_local_backend_answers(
    remote_engine: RemoteEngine, same_models_here: Pipeline
) -> None:
    async with Engine(same_models_here, same_models_here.settings.serving) as local:
        expected = [await local.analyze(photo) for photo in PHOTOS]
    answered = await asyncio.gather(*(remote_engine.analyze(photo) for photo in PHOTOS))
    for remote, local in zip(answered, expected, strict=True):
        same_analysis(remote, local)
    assert all(face.caption for analysis in answered for face in analysis.faces)


async def test_a_bad_image_is_refused_with_the_same_typed_error_as_locally(
    remote_engine: RemoteEngine,
) -> None:
    with pytest.raises(BadImage) as refused:
        await remote_engine.analyze(b"not a picture at all")
    assert refused.value.reason == "not_a_picture"
    assert remote_engine.stats().errors == {"bad_image": 1}


async def test_a_bot_outside_the_cluster_gets_the_same_answers_over_http(
    remote_engine: RemoteEngine, deployed: EngineSettings
) -> None:
    ray_settings = deployed.ray
    url = f"http://127.0.0.1:{ray_settings.http_port}{ray_settings.route_prefix}"
    outside = deployed.model_copy(update={"ray": ray_settings.model_copy(update={"http_url": url})})
    async with await RemoteEngine.connect(outside) as over_http:
        answered = await asyncio.gather(*(over_http.analyze(photo) for photo in PHOTOS))
        with pytest.raises(BadImage):
            await over_http.analyze(b"GIF89a but nothing after it")
    for there, here in zip(answered, [await remote_engine.analyze(p) for p in PHOTOS], strict=True):
        same_analysis(there, here)
