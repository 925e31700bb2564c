"""Building a pipeline from settings: the one way production and tests load models."""

import logging
from pathlib import Path

import torch

from fer_engine.acceleration import accelerate
from fer_engine.captioner import load_caption_preprocess, load_captioner
from fer_engine.checkpoints import load_head, with_checkpoint_cnn
from fer_engine.classifiers import Classifier
from fer_engine.cnn import load_cnn
from fer_engine.errors import ModelUnavailable
from fer_engine.faceapi.bundled import EXPRESSION_HEAD, WEIGHTS, load_ssd
from fer_engine.faceapi.face_detector import SsdFaceDetector
from fer_engine.faces import FaceDetector, HaarDetector, WholeImageDetector
from fer_engine.pipeline import FacePreparer, Pipeline
from fer_engine.retinaface.bundled import load_retinaface
from fer_engine.retinaface.face_detector import RetinaFaceDetector
from fer_engine.settings import EngineSettings, FaceSettings
from fer_engine.text_encoder import load_text_encoder
from fer_engine.zoom_out import ZoomOutDetector

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


def head_folder(checkpoint: str) -> Path:
    """`bundled` is the expression net's own classifier; a folder that exists is itself; any
    other name is a checkpoint shipped in the package (`fer2013-fer_vgg`), so a setting can
    name one without knowing where ferbot is installed."""
    if checkpoint == "bundled":
        return EXPRESSION_HEAD
    folder = Path(checkpoint)
    return folder if folder.is_dir() or len(folder.parts) > 1 else WEIGHTS / checkpoint


def build_detector(settings: FaceSettings, device: torch.device) -> FaceDetector:
    """The face detector `settings.detector` names, with the zoom-out pass of
    `settings.zoom_out` for photos where it finds no face (never for whole_image, which
    always finds one)."""
    detector = _bare_detector(settings, device)
    if settings.detector == "whole_image" or not settings.zoom_out:
        return detector
    return ZoomOutDetector(
        detector, settings.zoom_out, settings.zoom_out_fill, settings.detect_max_side
    )


def _bare_detector(settings: FaceSettings, device: torch.device) -> FaceDetector:
    if settings.detector == "ssd":
        return SsdFaceDetector(load_ssd(device), settings.min_confidence)
    if settings.detector == "retinaface":
        return RetinaFaceDetector(
            load_retinaface(device), settings.detect_max_side, settings.retinaface_min_confidence
        )
    if settings.detector == "whole_image":
        return WholeImageDetector()
    return HaarDetector(settings)


def load_pipeline(settings: EngineSettings, *, captioner_here: bool = True) -> Pipeline:
    """Load every model `settings` names, heads and CNNs first so a wrong one fails before the
    big downloads.

    Without `captioner_here` BLIP-2 is not loaded: a Ray deployment gets captions from the
    captioner's own deployment.
    """
    device = resolve_device(settings.device)
    names = (settings.head.checkpoint, *settings.head.ensemble)
    own, *ensemble = [load_member(settings, name, device) for name in names]
    settings = with_checkpoint_cnn(settings, head_folder(settings.head.checkpoint))
    captioner = text_encoder = None
    if own.uses_text and settings.mode == "fusion":
        if captioner_here:
            captioner = load_captioner(settings.captioner, device, settings.offline)
            accelerate(captioner, settings.acceleration, settings.serving.max_batch, device)
        text_encoder = load_text_encoder(settings.text_encoder, device, settings.offline)
    detector = build_detector(settings.faces, device)
    elsewhere = not captioner_here
    pipeline = Pipeline(
        settings,
        detector,
        own.cnn,
        own.head,
        captioner,
        text_encoder,
        captions_elsewhere=elsewhere,
        ensemble=ensemble,
    )
    log.info("engine models loaded on %s: %s", device, pipeline.model_version)
    return pipeline


def load_member(settings: EngineSettings, checkpoint: str, device: torch.device) -> Classifier:
    """The classifier `checkpoint` names (as `engine.head.checkpoint` would), with the CNN,
    crop and margin it carries or else `settings.cnn`: one member of an ensemble."""
    folder = head_folder(checkpoint)
    member = with_checkpoint_cnn(settings, folder)
    head = load_head(folder)
    head.module.to(device)
    cnn = load_cnn(member.cnn, settings.offline).to(device)
    return Classifier(cnn, head, member.faces.margin, member.cnn.input_size)


def load_preparer(settings: EngineSettings) -> FacePreparer:
    """Only what cuts faces out of photos, on the CPU: the detector, every classifier's crop
    and, in fusion mode, BLIP-2's image processor (never the captioner itself). For Ray's
    ingress."""
    device = torch.device("cpu")
    names = (settings.head.checkpoint, *settings.head.ensemble)
    classifiers = [load_member(settings, name, device) for name in names]
    settings = with_checkpoint_cnn(settings, head_folder(settings.head.checkpoint))
    caption_preprocess = None
    if classifiers[0].uses_text and settings.mode == "fusion":
        caption_preprocess = load_caption_preprocess(settings.captioner, settings.offline)
    detector = build_detector(settings.faces, device)
    return FacePreparer(settings, detector, classifiers, caption_preprocess)
