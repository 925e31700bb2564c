"""Session fixtures: tiny random models written once, loaded through the production loader."""

from pathlib import Path

import pytest

from fer_engine.faces import WholeImageDetector
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.settings import EngineSettings
from fer_engine.testing import save_tiny_models
from ferbot.settings import load_settings


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of tiny BLIP-2 (OPT, T5), CLIP text, CNN and head checkpoints, plus ferbot.toml."""
    folder = tmp_path_factory.mktemp("tiny-models")
    save_tiny_models(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_settings(tiny_models: Path) -> EngineSettings:
    settings = load_settings(tiny_models / "ferbot.toml", environ={}).engine
    return settings.model_copy(update={"device": "cpu"})


def with_head(
    settings: EngineSettings, folder: Path, kind: str, family: str = "t5"
) -> EngineSettings:
    """`settings` with the tiny head of `kind`, its captioner family and the mode it needs."""
    name = kind if kind == "cnn" or family == "t5" else f"{kind}-{family}"
    head = settings.head.model_copy(update={"checkpoint": folder / "heads" / name})
    captioner = settings.captioner.model_copy(update={"model": str(folder / f"blip2-{family}")})
    mode = "cnn" if kind == "cnn" else "fusion"
    return settings.model_copy(update={"head": head, "captioner": captioner, "mode": mode})


def whole_image(pipeline: Pipeline) -> Pipeline:
    """The same models, treating each picture as one aligned face (so noise pictures count)."""
    faces = pipeline.settings.faces.model_copy(update={"detector": "whole_image"})
    settings = pipeline.settings.model_copy(update={"faces": faces})
    return Pipeline(
        settings,
        WholeImageDetector(),
        pipeline.cnn,
        pipeline.head,
        pipeline.captioner,
        pipeline.text_encoder,
    )


@pytest.fixture(scope="session")
def tiny_pipeline(tiny_settings: EngineSettings) -> Pipeline:
    """Gated fusion head, tiny BLIP-2 flan-t5, Haar faces, on the CPU."""
    return load_pipeline(tiny_settings)


@pytest.fixture(scope="session")
def aligned_pipeline(tiny_pipeline: Pipeline) -> Pipeline:
    return whole_image(tiny_pipeline)


@pytest.fixture(scope="session")
def bundled_pipeline() -> Pipeline:
    """The defaults: bundled RetinaFace faces and expression net (aligned crops), on the CPU."""
    return load_pipeline(EngineSettings(device="cpu"))
