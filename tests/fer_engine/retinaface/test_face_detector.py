"""What the bundled RetinaFace detector promises beyond parity: landmark order, no faces where
there are none, geometry of small photos, and selection by `engine.faces.detector`."""

import pytest
import torch
from PIL import Image

from fer_engine.loading import build_detector
from fer_engine.retinaface.face_detector import RetinaFaceDetector, input_square
from fer_engine.settings import FaceSettings
from fer_engine.zoom_out import ZoomOutDetector
from tests.images import GROUP_JPEG, NO_FACE_PICTURES, face, no_face_picture

SETTINGS = FaceSettings(detector="retinaface", zoom_out=[])


@pytest.fixture(scope="module")
def detector() -> RetinaFaceDetector:
    found = build_detector(SETTINGS, torch.device("cpu"))
    assert isinstance(found, RetinaFaceDetector)
    return found


def test_the_retinaface_setting_builds_it_with_the_configured_side_and_threshold(
    detector: RetinaFaceDetector,
) -> None:
    assert detector.side == SETTINGS.detect_max_side
    assert detector.min_confidence == SETTINGS.retinaface_min_confidence


def test_the_retinaface_setting_with_zoom_out_wraps_it_in_the_pass() -> None:
    settings = FaceSettings(detector="retinaface", zoom_out=[3.0, 4.0])
    wrapped = build_detector(settings, torch.device("cpu"))
    assert isinstance(wrapped, ZoomOutDetector)
    assert isinstance(wrapped.inner, RetinaFaceDetector)


def test_landmarks_are_eyes_then_nose_then_mouth_corners_left_to_right_in_the_photo(
    detector: RetinaFaceDetector,
) -> None:
    faces = detector.detect(Image.open(GROUP_JPEG).convert("RGB"))
    assert len(faces) == 3
    for found in faces:
        eye_left, eye_right, nose, mouth_left, mouth_right = found.landmarks
        assert eye_left[0] < nose[0] < eye_right[0]
        assert mouth_left[0] < mouth_right[0]
        assert max(eye_left[1], eye_right[1]) < nose[1] < min(mouth_left[1], mouth_right[1])
        for x, y in found.landmarks:
            assert found.x < x < found.x + found.w and found.y < y < found.y + found.h


@pytest.mark.parametrize("name", NO_FACE_PICTURES)
def test_it_finds_no_face_in_photos_without_people(detector: RetinaFaceDetector, name: str) -> None:
    assert detector.detect(no_face_picture(name)) == []


def test_a_photo_smaller_than_the_square_is_padded_never_upscaled() -> None:
    square = input_square(face(), 640)
    assert square.size == (640, 640)
    assert square.crop((0, 0, 360, 360)).tobytes() == face().tobytes()
    assert square.getpixel((639, 639)) == (127, 117, 104)  # the mean colour


def test_a_close_up_whose_face_fills_the_frame_is_found(detector: RetinaFaceDetector) -> None:
    # The bundled SSD finds no face here: cut at the forehead and chin, as in a selfie.
    close_up = face().crop((110, 100, 250, 250))
    (found,) = detector.detect(close_up)
    assert found.w > close_up.width / 2
