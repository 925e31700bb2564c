import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from fer_engine.alignment import (
    ARCFACE_POINTS,
    ARCFACE_TEMPLATE,
    Point,
    aligned_crop,
    alignment_matrix,
    similarity_transform,
    template_in_crop,
)
from fer_engine.checkpoints import HeadMetadata, save_head, with_checkpoint_cnn
from fer_engine.cnn import load_cnn
from fer_engine.faceapi.expression_net import (
    FACEAPI_EYE_CENTRE,
    FACEAPI_EYE_DISTANCE,
    FACEAPI_TEMPLATE,
    ExpressionFeatures,
)
from fer_engine.faces import FaceBox
from fer_engine.heads import HeadSpec, build_head
from fer_engine.settings import CnnSettings, EngineSettings
from tests.images import face

ANGLE = 20.0
# The face of tests/data/face.jpg, read off the picture enlarged: pupils, nose tip and mouth
# corners, the person's right side first. The head itself leans about 11 degrees.
FACE_LANDMARKS: tuple[Point, ...] = (
    (146.5, 152.5),
    (206.5, 164.5),
    (164.0, 200.0),
    (137.5, 216.5),
    (192.5, 225.0),
)


def rotated(points: tuple[Point, ...], degrees: float, centre: Point) -> tuple[Point, ...]:
    """`points` where PIL's `rotate(degrees, center=...)` puts them (counter-clockwise on
    screen); `centre` in pixel-centre coordinates, half a pixel before PIL's."""
    turn = math.radians(degrees)
    cx, cy = centre
    return tuple(
        (
            cx + (x - cx) * math.cos(turn) + (y - cy) * math.sin(turn),
            cy - (x - cx) * math.sin(turn) + (y - cy) * math.cos(turn),
        )
        for x, y in points
    )


def moved(matrix: np.ndarray, points: tuple[Point, ...]) -> np.ndarray:
    return np.asarray(points) @ matrix[:, :2].T + matrix[:, 2]


def test_the_template_onto_itself_is_the_identity() -> None:
    matrix = similarity_transform(ARCFACE_POINTS, ARCFACE_POINTS)
    assert matrix == pytest.approx(np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), abs=1e-9)
    assert alignment_matrix(template_in_crop(ARCFACE_TEMPLATE, 112, 0.0), 112) == pytest.approx(
        np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), abs=1e-9
    )


def test_a_scaled_rotated_shifted_copy_of_the_template_is_recovered_exactly() -> None:
    face_points = tuple((3.0 * x + 40, 3.0 * y + 25) for x, y in ARCFACE_POINTS)
    tilted = rotated(face_points, ANGLE, (208.0, 240.0))
    matrix = alignment_matrix(tilted, 112)
    assert moved(matrix, tilted) == pytest.approx(np.array(ARCFACE_POINTS) - 0.5, abs=1e-9)
    assert math.degrees(math.atan2(matrix[1, 0], matrix[0, 0])) == pytest.approx(ANGLE)
    assert math.hypot(matrix[0, 0], matrix[1, 0]) == pytest.approx(1 / 3)


def test_eyes_swapped_are_turned_round_never_mirrored() -> None:
    swapped = (ARCFACE_POINTS[1], ARCFACE_POINTS[0], *ARCFACE_POINTS[2:])
    assert np.linalg.det(similarity_transform(swapped, ARCFACE_POINTS)[:, :2]) > 0


def test_a_face_rotated_by_20_degrees_comes_out_with_its_eyes_on_the_template() -> None:
    """Synthetic landmarks drawn as bright dots, rotated about the face's centre: in the
    warped crop the dots sit where the template's eyes are, within a pixel."""
    face_points = tuple((3.0 * x + 40, 3.0 * y + 25) for x, y in ARCFACE_POINTS)
    centre = tuple(np.mean(face_points, axis=0))
    tilted = rotated(face_points, ANGLE, centre)
    canvas = np.zeros((420, 420, 3), np.uint8)
    for x, y in tilted[:2]:
        rows, cols = np.ogrid[:420, :420]
        canvas[(cols - x) ** 2 + (rows - y) ** 2 <= 16] = 255
    crop = np.asarray(aligned_crop(Image.fromarray(canvas), tilted, 112))[..., 0].astype(float)
    for (tx, ty), half in zip(template_in_crop(ARCFACE_TEMPLATE, 112, 0.0), (0, 56), strict=False):
        spot = crop[:, half : half + 56]
        rows, cols = np.nonzero(spot)
        weights = spot[rows, cols]
        assert (rows * weights).sum() / weights.sum() == pytest.approx(ty, abs=1.0)
        assert (cols * weights).sum() / weights.sum() + half == pytest.approx(tx, abs=1.0)


def test_a_real_photo_rotated_by_20_degrees_aligns_as_the_upright_photo_does() -> None:
    upright = face()
    centre = (upright.width / 2 - 0.5, upright.height / 2 - 0.5)
    tilted = upright.rotate(ANGLE, center=(upright.width / 2, upright.height / 2))
    tilted_landmarks = rotated(FACE_LANDMARKS, ANGLE, centre)
    # The landmarks land on the same places of the crop, the eyes level within a pixel...
    upright_eyes = moved(alignment_matrix(FACE_LANDMARKS, 112), FACE_LANDMARKS)[:2]
    tilted_eyes = moved(alignment_matrix(tilted_landmarks, 112), tilted_landmarks)[:2]
    assert tilted_eyes == pytest.approx(upright_eyes, abs=1e-6)
    template_y = [y for _, y in template_in_crop(ARCFACE_TEMPLATE, 112, 0.0)[:2]]
    assert tilted_eyes[:, 1] == pytest.approx(template_y, abs=1.0)
    # ...and the pixels too: both crops show the same level face.
    a = np.asarray(aligned_crop(upright, FACE_LANDMARKS, 112), float)
    b = np.asarray(aligned_crop(tilted, tilted_landmarks, 112), float)
    assert np.abs(a - b).mean() < 6.0


def test_the_expression_net_frames_an_aligned_face_as_its_box_crop_does() -> None:
    (rx, ry), (lx, ly) = FACEAPI_TEMPLATE[:2]
    assert math.hypot(lx - rx, ly - ry) == pytest.approx(FACEAPI_EYE_DISTANCE)
    assert ((rx + lx) / 2, (ry + ly) / 2) == pytest.approx(FACEAPI_EYE_CENTRE)
    # ArcFace's face, a tenth larger: the box crop shows less around the face.
    assert FACEAPI_EYE_DISTANCE / (ARCFACE_TEMPLATE[1][0] - ARCFACE_TEMPLATE[0][0]) == (
        pytest.approx(1.1, abs=0.02)
    )


def test_aligned_crops_turn_the_face_and_faces_without_landmarks_keep_the_box_crop() -> None:
    photo = face()
    bare = FaceBox(85, 93, 164, 192, 0.9)
    marked = FaceBox(85, 93, 164, 192, 0.9, FACE_LANDMARKS)
    for box_cnn, aligned_cnn in [
        (ExpressionFeatures(1), ExpressionFeatures(1, crop="aligned")),
        (
            load_cnn(CnnSettings(arch="resnet18", weights="none", input_size=64, crop="box"), True),
            load_cnn(
                CnnSettings(arch="resnet18", weights="none", input_size=64, crop="aligned"), True
            ),
        ),
    ]:
        box_crop = box_cnn.preprocess(photo, marked, 0.25)
        assert torch.equal(aligned_cnn.preprocess(photo, bare, 0.25), box_crop)
        assert torch.equal(box_cnn.preprocess(photo, bare, 0.25), box_crop)
        turned = aligned_cnn.preprocess(photo, marked, 0.25)
        assert turned.shape == box_crop.shape and not torch.allclose(turned, box_crop)


def test_a_checkpoint_trained_on_aligned_crops_serves_aligned_crops(tmp_path: Path) -> None:
    spec = HeadSpec(kind="cnn", image_dim=512, image_token_dim=512)
    metadata = HeadMetadata(
        spec=spec, cnn_arch="resnet18", cnn_input_size=64, training={"crop": "aligned"}
    )
    save_head(tmp_path, build_head(spec), metadata)
    (tmp_path / "cnn.safetensors").write_bytes(b"")
    assert with_checkpoint_cnn(EngineSettings(), tmp_path).cnn.crop == "aligned"
    metadata = metadata.model_copy(update={"training": {}})
    save_head(tmp_path, build_head(spec), metadata)
    assert with_checkpoint_cnn(EngineSettings(), tmp_path).cnn.crop == "box"
