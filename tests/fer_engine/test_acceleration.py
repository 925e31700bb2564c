"""Choosing the decoding path, the fast path through the production loader, warm-up at start."""

from pathlib import Path

import pytest
import torch

from fer_engine.acceleration import compile_mode, decoding_path
from fer_engine.engine import Engine
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.settings import AccelerationSettings, EngineSettings, ServingSettings
from tests.conftest import whole_image, with_head
from tests.images import encode, noise

CPU, CUDA = torch.device("cpu"), torch.device("cuda")


def opt_pipeline(settings: EngineSettings, folder: Path, decoding: str) -> Pipeline:
    """Tiny BLIP-2 OPT with the gated head, every picture one face, at most 4 faces a batch."""
    settings = with_head(settings, folder, "gated", "opt").model_copy(
        update={
            "acceleration": AccelerationSettings(decoding=decoding),
            "serving": ServingSettings(max_batch=4),
        }
    )
    return whole_image(load_pipeline(settings))


@pytest.fixture(scope="module")
def fast_pipeline(tiny_settings: EngineSettings, tiny_models: Path) -> Pipeline:
    return opt_pipeline(tiny_settings, tiny_models, "fast")


def test_auto_is_the_fast_path_with_cuda_graphs_on_cuda_and_plain_on_a_cpu() -> None:
    auto = AccelerationSettings()
    assert (decoding_path(auto, CUDA), compile_mode(auto, CUDA)) == ("fast", "reduce-overhead")
    assert decoding_path(auto, CPU) == "plain"


def test_a_named_path_and_mode_hold_on_any_device() -> None:
    chosen = AccelerationSettings(decoding="plain", compile_mode="off")
    assert (decoding_path(chosen, CUDA), compile_mode(chosen, CUDA)) == ("plain", None)


def test_the_loader_gives_a_cpu_the_plain_path_by_default(tiny_pipeline: Pipeline) -> None:
    assert tiny_pipeline.captioner is not None and tiny_pipeline.captioner.decoding == "plain"


def test_fast_and_plain_pipelines_give_the_same_captions_and_probabilities(
    fast_pipeline: Pipeline, tiny_settings: EngineSettings, tiny_models: Path
) -> None:
    plain_pipeline = opt_pipeline(tiny_settings, tiny_models, "plain")
    faces = [
        face
        for seed in range(3)
        for face in plain_pipeline.prepare(encode(noise(seed), "PNG")).faces
    ]
    fast, _ = fast_pipeline.infer(faces)
    plain, _ = plain_pipeline.infer(faces)
    assert fast_pipeline.captioner.decoding == "fast"
    assert [r.caption for r in fast] == [r.caption for r in plain]
    assert torch.tensor([r.probs for r in fast]) == pytest.approx(
        torch.tensor([r.probs for r in plain]), abs=1e-5
    )


async def test_the_engine_warms_every_bucket_up_at_start_and_not_on_a_request(
    fast_pipeline: Pipeline,
) -> None:
    decoder = fast_pipeline.captioner.static
    async with Engine(fast_pipeline, ServingSettings(max_batch=4)) as engine:
        warmed = dict(decoder.warmup_s)
        assert set(warmed) == {1, 2, 4}
        assert engine.stats().warmup_s >= sum(warmed.values()) > 0
        analysis = await engine.analyze(encode(noise(7), "PNG"))
        assert analysis.faces[0].caption is not None
        assert decoder.warmup_s == warmed  # the request compiled and recorded nothing new
