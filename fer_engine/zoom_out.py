"""A second look for faces too large to find: the photo placed, smaller, on a larger canvas.

Detectors are trained on faces that fill a part of the picture. A close-up selfie or a cropped
profile picture, where the face fills the whole frame, is often seen as no face at all; the
same photo centred on a canvas two or three times its size is found. The pass runs only when
the first look finds nothing, so photos with faces cost no more than before.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image

from fer_engine.faces import FaceBox, FaceDetector
from fer_engine.settings import ZoomFill

NEUTRAL_GREY = (128, 128, 128)


@dataclass(frozen=True)
class ZoomedView:
    """A photo placed on a larger canvas, and the way back from the canvas to the photo.

    The photo sits at `offset` on the canvas, `placed` pixels in size (smaller than the photo
    when it was shrunk to keep the canvas small).
    """

    canvas: Image.Image
    offset: tuple[int, int]
    placed: tuple[int, int]
    photo_size: tuple[int, int]

    def to_photo(self, boxes: Sequence[FaceBox]) -> list[FaceBox]:
        """`boxes` found on the canvas, in the photo's pixels and clipped to the photo.

        A box reaching into the fill is cut at the photo's edge (the fill holds no face);
        a box with less than a pixel left inside the photo is dropped. Landmarks are moved
        but not clipped: an aligned crop needs where the eye is, even off the photo's edge.
        """
        width, height = self.photo_size
        sx, sy = self.placed[0] / width, self.placed[1] / height
        ox, oy = self.offset
        faces = []
        for box in boxes:
            left = max(0.0, (box.x - ox) / sx)
            top = max(0.0, (box.y - oy) / sy)
            right = min(float(width), (box.x + box.w - ox) / sx)
            bottom = min(float(height), (box.y + box.h - oy) / sy)
            if right - left < 1.0 or bottom - top < 1.0:
                continue
            landmarks = None
            if box.landmarks is not None:
                landmarks = tuple(((x - ox) / sx, (y - oy) / sy) for x, y in box.landmarks)
            faces.append(FaceBox(left, top, right - left, bottom - top, box.score, landmarks))
        return faces


def zoomed_view(image: Image.Image, scale: float, fill: ZoomFill, max_side: int) -> ZoomedView:
    """`image` centred on a canvas `scale` times its size, filled with `fill`.

    A photo longer than `max_side` is shrunk to it first, so a 12-megapixel photo does not
    become a 100-megapixel canvas; detectors look at far fewer pixels than that anyway.
    """
    shrink = min(1.0, max_side / max(image.size))
    placed = image
    if shrink < 1.0:
        size = (max(1, round(image.width * shrink)), max(1, round(image.height * shrink)))
        placed = image.resize(size, Image.Resampling.BILINEAR)
    width, height = placed.size
    canvas_w, canvas_h = max(width, round(width * scale)), max(height, round(height * scale))
    ox, oy = (canvas_w - width) // 2, (canvas_h - height) // 2
    pixels = np.asarray(placed.convert("RGB"))
    if fill == "replicate":
        pad = ((oy, canvas_h - height - oy), (ox, canvas_w - width - ox), (0, 0))
        canvas = Image.fromarray(np.pad(pixels, pad, mode="edge"))
    else:
        canvas = Image.new("RGB", (canvas_w, canvas_h), _fill_colour(pixels, fill))
        canvas.paste(placed.convert("RGB"), (ox, oy))
    return ZoomedView(canvas, (ox, oy), (width, height), image.size)


def _fill_colour(pixels: np.ndarray, fill: ZoomFill) -> tuple[int, int, int]:
    if fill == "black":
        return (0, 0, 0)
    if fill == "grey":
        return NEUTRAL_GREY
    # "edge": the mean colour of the photo's outermost pixels, so the canvas continues the
    # photo's background without repeating any of its structure.
    ring = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    red, green, blue = (round(float(v)) for v in ring.mean(axis=0))
    return (red, green, blue)


class ZoomOutDetector:
    """Any detector, given a second look at the photo zoomed out when it finds no face.

    Each scale of `scales` is tried in order until one finds a face; the faces come back in
    the photo's pixels, so callers never see the canvas.
    """

    def __init__(
        self, inner: FaceDetector, scales: Sequence[float], fill: ZoomFill, max_side: int
    ) -> None:
        self.inner = inner
        self.scales = tuple(scales)
        self.fill: ZoomFill = fill
        self.max_side = max_side

    def detect(self, image: Image.Image) -> list[FaceBox]:
        found = self.inner.detect(image)
        if found:
            return found
        for scale in self.scales:
            view = self.view(image, scale)
            found = view.to_photo(self.inner.detect(view.canvas))
            if found:
                return found
        return []

    def view(self, image: Image.Image, scale: float) -> ZoomedView:
        """`image` zoomed out by `scale` as this pass sees it; a caller that batches the inner
        detector itself (the Ray ingress) runs the pass with it, scale by scale."""
        return zoomed_view(image, scale, self.fill, self.max_side)


def without_zoom_out(detector: FaceDetector) -> FaceDetector:
    """The detector a zoom-out pass wraps, or `detector` itself when it wraps none."""
    return detector.inner if isinstance(detector, ZoomOutDetector) else detector
