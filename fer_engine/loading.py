"""Building a pipeline from settings: the one way production and tests load models."""

import logging

import torch

from fer_engine.captioner import load_captioner
from fer_engine.checkpoints import load_head
from fer_engine.cnn import load_cnn
from fer_engine.errors import ModelUnavailable
from fer_engine.faces import build_detector
from fer_engine.pipeline import Pipeline
from fer_engine.settings import EngineSettings
from fer_engine.text_encoder import load_text_encoder

log = logging.getLogger(__name__)


def resolve_device(name: str) -> torch.device:
    """`auto` is the first GPU when there is one, else the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ModelUnavailable(
            f"device {name!r} asked for but no GPU is visible", "engine.device", "'auto' or 'cpu'"
        )
    return device


def load_pipeline(settings: EngineSettings) -> Pipeline:
    """Load every model `settings` names, head first so a wrong head fails before big downloads."""
    device = resolve_device(settings.device)
    head = load_head(settings.head.checkpoint)
    captioner = text_encoder = None
    if head.metadata.spec.uses_text and settings.mode == "fusion":
        captioner = load_captioner(settings.captioner, device, settings.offline)
        text_encoder = load_text_encoder(settings.text_encoder, device, settings.offline)
    cnn = load_cnn(settings.cnn, settings.offline).to(device)
    pipeline = Pipeline(
        settings, build_detector(settings.faces), cnn, head, captioner, text_encoder
    )
    log.info("engine models loaded on %s: %s", device, pipeline.model_version)
    return pipeline
