"""Finding faces in a picture and cutting square crops around them."""

import threading
from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
from PIL import Image

from fer_engine.settings import FaceSettings

_HAAR_CASCADE = cv2.data.haarcascades + "haarcascade_frontalface_default.xml"


@dataclass(frozen=True)
class FaceBox:
    """A face found in a picture, in its pixel coordinates (sub-pixel where a detector gives it)."""

    x: float
    y: float
    w: float
    h: float
    score: float
    landmarks: tuple[tuple[float, float], ...] | None = None

    @property
    def area(self) -> float:
        return self.w * self.h

    def rounded(self) -> tuple[int, int, int, int]:
        """(x, y, w, h) in whole pixels, for people and the JSON contract."""
        return round(self.x), round(self.y), round(self.w), round(self.h)


class FaceDetector(Protocol):
    """Anything that finds faces: boxes with scores, optionally five landmarks."""

    def detect(self, image: Image.Image) -> list[FaceBox]: ...


class WholeImageDetector:
    """Treats the whole picture as one face: for datasets of aligned face crops."""

    def detect(self, image: Image.Image) -> list[FaceBox]:
        return [FaceBox(0, 0, image.width, image.height, score=1.0)]


class HaarDetector:
    """OpenCV's frontal-face Haar cascade, run on a downscaled grey copy for speed.

    One of the alternatives to RetinaFace (`engine.faces.detector = "haar"`): fast and
    dependency-light, but it misses turned faces and many close-ups.
    A cascade object is not thread-safe (concurrent use corrupts it), so each decode thread
    loads its own.
    """

    def __init__(self, settings: FaceSettings) -> None:
        self._settings = settings
        self._per_thread = threading.local()
        self._cascade()  # a missing cascade file fails at start-up, not on a user's photo

    def _cascade(self):  # -> cv2.CascadeClassifier, absent from OpenCV 5
        cascade = getattr(self._per_thread, "cascade", None)
        if cascade is None:
            cascade = cv2.CascadeClassifier(_HAAR_CASCADE)
            if cascade.empty():
                raise RuntimeError(f"OpenCV's Haar cascade {_HAAR_CASCADE} could not be loaded")
            self._per_thread.cascade = cascade
        return cascade

    def detect(self, image: Image.Image) -> list[FaceBox]:
        scale = min(1.0, self._settings.detect_max_side / max(image.size))
        gray = image.convert("L")
        if scale < 1.0:
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            gray = gray.resize(size, Image.Resampling.BOX)
        pixels = cv2.equalizeHist(np.asarray(gray))
        min_side = max(1, round(self._settings.min_face_px * scale))
        boxes, _levels, weights = self._cascade().detectMultiScale3(
            pixels,
            scaleFactor=1.1,
            minNeighbors=self._settings.min_neighbors,
            minSize=(min_side, min_side),
            outputRejectLevels=True,
        )
        return [
            FaceBox(x / scale, y / scale, w / scale, h / scale, score=float(weight))
            for (x, y, w, h), weight in zip(boxes, np.ravel(weights), strict=True)
        ]


def select_faces(boxes: list[FaceBox], max_faces: int) -> list[FaceBox]:
    """The `max_faces` largest faces, numbered left to right as people read a photo."""
    largest = sorted(boxes, key=lambda box: box.area, reverse=True)[:max_faces]
    return sorted(largest, key=lambda box: (box.x, box.y))


def square_crop(image: Image.Image, box: FaceBox, margin: float) -> Image.Image:
    """A square around the face, `margin` of its size added on each side.

    Parts outside the picture come out black, so the face keeps its proportions.
    """
    side = max(box.w, box.h) * (1.0 + 2.0 * margin)
    cx, cy = box.x + box.w / 2.0, box.y + box.h / 2.0
    left, top = round(cx - side / 2.0), round(cy - side / 2.0)
    size = max(1, round(side))
    return image.crop((left, top, left + size, top + size))
