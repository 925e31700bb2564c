"""Faces turned level: a similarity transform from five landmarks onto a canonical template.

A tilted head shows a CNN a face it was rarely trained on. Rotating, scaling and shifting
the photo so that the eyes, nose and mouth corners land on fixed places of the crop gives
every CNN the same upright face, whatever the angle of the camera.

Landmarks come in the usual RetinaFace/ArcFace order: the person's right eye (the one
with the smaller x in an upright photo), left eye, nose, right mouth corner, left mouth
corner; in image pixels, a pixel's centre at whole numbers (OpenCV's convention).
"""

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image

Point = tuple[float, float]
Landmarks = Sequence[Point]

# ArcFace's five points in its 112x112 crop (insightface), the standard for aligned faces.
ARCFACE_SIZE = 112.0
ARCFACE_POINTS: tuple[Point, ...] = (
    (38.2946, 51.6963),
    (73.5318, 51.5014),
    (56.0252, 71.7366),
    (41.5493, 92.3655),
    (70.7299, 92.2041),
)
# The same points as fractions of the crop's side, so a template serves any crop size.
ARCFACE_TEMPLATE: tuple[Point, ...] = tuple(
    (x / ARCFACE_SIZE, y / ARCFACE_SIZE) for x, y in ARCFACE_POINTS
)


def similarity_transform(source: Landmarks, target: Landmarks) -> np.ndarray:
    """The 2x3 matrix of the rotation, uniform scale and translation that moves `source`
    points closest to `target` in least squares (Umeyama 1991), never a mirror image."""
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    if src.shape != dst.shape or src.ndim != 2 or src.shape[1] != 2 or len(src) < 2:
        raise ValueError(f"need two equal lists of 2-D points, got {src.shape} and {dst.shape}")
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    covariance = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    # A reflection fits mirrored points better, but would swap the person's eyes.
    flip = np.diag([1.0, np.sign(np.linalg.det(u) * np.linalg.det(vt)) or 1.0])
    rotation = u @ flip @ vt
    variance = (src_c**2).sum() / len(src)
    scale = float(np.trace(np.diag(singular) @ flip) / variance) if variance else 1.0
    shift = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, shift[:, None]])


def reframed_template(
    template: Sequence[Point], eye_distance: float, eye_centre: Point
) -> tuple[Point, ...]:
    """`template` scaled and moved so its eyes (its first two points) lie `eye_distance`
    apart around `eye_centre` (fractions of the crop's side): a CNN trained on another
    framing sees faces as large and as placed as it learnt them, only level."""
    (rx, ry), (lx, ly) = template[0], template[1]
    scale = eye_distance / float(np.hypot(lx - rx, ly - ry))
    mx, my = (rx + lx) / 2.0, (ry + ly) / 2.0
    cx, cy = eye_centre
    return tuple((cx + (x - mx) * scale, cy + (y - my) * scale) for x, y in template)


def template_in_crop(template: Sequence[Point], size: int, margin: float) -> list[Point]:
    """`template` (fractions of a crop's side) in pixels of a `size` crop, zoomed out about
    the crop's centre so that `margin` of the face's size shows on each side besides."""
    half = size / 2.0
    zoom = 1.0 / (1.0 + 2.0 * margin)
    # Fractions of the side become pixels whose centres sit at whole numbers, as in cv2.
    return [
        (half + (x * size - half) * zoom - 0.5, half + (y * size - half) * zoom - 0.5)
        for x, y in template
    ]


def alignment_matrix(
    landmarks: Landmarks,
    size: int,
    margin: float = 0.0,
    template: Sequence[Point] = ARCFACE_TEMPLATE,
) -> np.ndarray:
    """The 2x3 matrix taking photo pixels to the pixels of the aligned `size` crop."""
    return similarity_transform(landmarks, template_in_crop(template, size, margin))


def aligned_crop(
    image: Image.Image,
    landmarks: Landmarks,
    size: int,
    margin: float = 0.0,
    template: Sequence[Point] = ARCFACE_TEMPLATE,
) -> Image.Image:
    """The face of `image` turned level and scaled onto `template`, as a `size` square:
    bilinear, black where the crop reaches past the photo's edge, as the box crop is."""
    matrix = alignment_matrix(landmarks, size, margin, template)
    pixels = cv2.warpAffine(
        np.asarray(image.convert("RGB")),
        matrix,
        (size, size),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return Image.fromarray(pixels)
