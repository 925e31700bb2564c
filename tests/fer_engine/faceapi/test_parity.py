"""The port against face-api.js itself (tests/fixtures/faceapi/reference.json, made by
scripts/faceapi_reference/run.sh on the same Pillow-decoded pixels)."""

import hashlib
import json
from pathlib import Path

import pytest
import torch
from PIL import Image

from fer_engine.checkpoints import load_head
from fer_engine.emotions import reorder_to_emotions
from fer_engine.faceapi.bundled import EXPRESSION_HEAD, load_expression_features, load_ssd
from fer_engine.faceapi.face_detector import SsdFaceDetector
from fer_engine.faces import FaceBox
from fer_engine.heads import HeadInputs
from tests.fer_engine.face_parity import assert_same_faces

FIXTURES = Path(__file__).parents[2] / "fixtures" / "faceapi"
REFERENCE = json.loads((FIXTURES / "reference.json").read_text())
PHOTOS = sorted(REFERENCE["photos"])
FACEAPI_ORDER = reorder_to_emotions(REFERENCE["expression_labels"])


@pytest.fixture(scope="module")
def detector() -> SsdFaceDetector:
    return SsdFaceDetector(load_ssd(torch.device("cpu")), REFERENCE["options"]["minConfidence"])


@pytest.fixture(scope="module")
def expressions():
    features, head = load_expression_features(token_grid=1), load_head(EXPRESSION_HEAD)

    def predict(image: Image.Image, box: FaceBox) -> list[float]:
        with torch.inference_mode():
            pooled, tokens = features(features.preprocess(image, box, margin=0.0)[None])
            logits = head.module(HeadInputs(image=pooled, image_tokens=tokens))
        return torch.softmax(logits, dim=-1)[0].tolist()

    return predict


def photo(name: str) -> Image.Image:
    return Image.open(FIXTURES / name).convert("RGB")


def reference_box(face: dict) -> FaceBox:
    return FaceBox(*face["box"], score=face["score"])


@pytest.mark.parametrize("name", PHOTOS)
def test_pillow_here_decodes_the_pixels_face_api_was_given(name: str) -> None:
    # Otherwise a parity failure would be the JPEG decoder's, not the port's.
    pixels = photo(name).tobytes()
    assert hashlib.sha256(pixels).hexdigest() == REFERENCE["photos"][name]["rgb_sha256"]


@pytest.mark.parametrize("name", PHOTOS)
def test_the_detector_finds_face_apis_faces_within_a_pixel(
    detector: SsdFaceDetector, name: str
) -> None:
    expected = REFERENCE["photos"][name]["faces"]
    assert_same_faces(detector.detect(photo(name)), expected, score_tolerance=1e-3)


@pytest.mark.parametrize("name", PHOTOS)
def test_expressions_match_face_api_within_1e_3(expressions, name: str) -> None:
    image = photo(name)
    for face in REFERENCE["photos"][name]["faces"]:
        theirs = [face["expressions"][label] for label in REFERENCE["expression_labels"]]
        ours = expressions(image, reference_box(face))
        assert ours == pytest.approx([theirs[i] for i in FACEAPI_ORDER], abs=1e-3)


@pytest.mark.parametrize("name", PHOTOS)
def test_expressions_on_our_own_boxes_match_face_api_within_1e_3(
    detector: SsdFaceDetector, expressions, name: str
) -> None:
    image = photo(name)
    for ours, face in zip(detector.detect(image), REFERENCE["photos"][name]["faces"], strict=True):
        theirs = [face["expressions"][label] for label in REFERENCE["expression_labels"]]
        assert expressions(image, ours) == pytest.approx(
            [theirs[i] for i in FACEAPI_ORDER], abs=1e-3
        )
