"""The bundled RetinaFace as a `FaceDetector`: faces with five landmarks, batched on a square.

Landmarks come in the network's order: the eye on the left of the photo (the person's right
eye, for a face looking at the camera), the eye on the right of the photo, the nose tip, then
the mouth corner on the left of the photo and the one on the right.
"""

from dataclasses import dataclass

import numpy as np
import torch
import torchvision
from PIL import Image

from fer_engine.faces import FaceBox
from fer_engine.retinaface.anchors import anchors, decode_boxes, decode_landmarks
from fer_engine.retinaface.network import RetinaFace

# The network was trained on BGR pixels minus this mean colour, unscaled (0..255 - mean).
MEAN_BGR = (104, 117, 127)
# The padding around a photo is the mean colour: zero once the mean is subtracted, as the
# original training pads its crops.
PADDING_RGB = MEAN_BGR[::-1]
NMS_IOU = 0.4  # the original's suppression threshold


@dataclass(frozen=True)
class Candidates:
    """One photo's faces as the batched step leaves them: in the input square's pixels, best
    score first, already past the score threshold and non-maximum suppression."""

    boxes: torch.Tensor  # (faces, 4): x1, y1, x2, y2
    scores: torch.Tensor  # (faces,)
    landmarks: torch.Tensor  # (faces, 5, 2): x, y


class RetinaFaceDetector:
    """Scales the photo so its longer side is `side` (never up), pads it to a `side` square
    with the mean colour (right and below), finds faces scoring above `min_confidence`."""

    def __init__(self, model: RetinaFace, side: int, min_confidence: float) -> None:
        self.model = model.eval()
        self.side = side
        self.min_confidence = min_confidence
        self.device = next(model.parameters()).device
        self.anchors = anchors(side, side).to(self.device)

    def detect(self, image: Image.Image) -> list[FaceBox]:
        (found,) = self.run(retinaface_input(image, self.side)[None])
        return self.locate(found, image.size)

    @torch.inference_mode()
    def run(self, squares: torch.Tensor) -> list[Candidates]:
        """The faces in a batch of `retinaface_input` squares (batch, 3, side, side): the one
        fixed-shape step, which a GPU or a Ray deployment batches across photos."""
        scores, box_codes, landmark_codes = self.model(squares.to(self.device))
        found = []
        for photo_scores, photo_boxes, photo_landmarks in zip(
            scores, box_codes, landmark_codes, strict=True
        ):
            keep = torch.nonzero(photo_scores > self.min_confidence).squeeze(1)
            boxes = decode_boxes(self.anchors[keep], photo_boxes[keep])
            best_first = torchvision.ops.nms(boxes, photo_scores[keep], NMS_IOU)
            kept = keep[best_first]
            found.append(
                Candidates(
                    boxes=boxes[best_first].cpu(),
                    scores=photo_scores[kept].cpu(),
                    landmarks=decode_landmarks(self.anchors[kept], photo_landmarks[kept]).cpu(),
                )
            )
        return found

    def locate(self, found: Candidates, size: tuple[int, int]) -> list[FaceBox]:
        """One photo's faces in its own pixels (boxes may reach past its edges, as the
        network sees them)."""
        scale = torch.tensor(input_scale(size, self.side), dtype=torch.float64)
        boxes = (found.boxes.double() / scale.repeat(2)).tolist()
        landmarks = (found.landmarks.double() / scale).tolist()
        return [
            FaceBox(
                x1,
                y1,
                x2 - x1,
                y2 - y1,
                score=score,
                landmarks=tuple((x, y) for x, y in points),
            )
            for (x1, y1, x2, y2), score, points in zip(
                boxes, found.scores.tolist(), landmarks, strict=True
            )
        ]


def input_scale(size: tuple[int, int], side: int) -> tuple[float, float]:
    """How much the photo is scaled along x and y to fit a `side` square (1 when it fits)."""
    width, height = size
    resized = _resized_size(size, side)
    return resized[0] / width, resized[1] / height


def _resized_size(size: tuple[int, int], side: int) -> tuple[int, int]:
    scale = min(1.0, side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def retinaface_input(image: Image.Image, side: int) -> torch.Tensor:
    """The photo as the network reads it, (3, side, side): scaled down to fit (Pillow's
    bilinear, which averages over the pixels it shrinks), padded right and below with the
    mean colour, BGR minus the mean."""
    return torch.from_numpy(_network_pixels(input_square(image, side)))


def input_square(image: Image.Image, side: int) -> Image.Image:
    """The photo scaled down to fit a `side` square and padded there with the mean colour."""
    size = _resized_size(image.size, side)
    resized = image if size == image.size else image.resize(size, Image.Resampling.BILINEAR)
    square = Image.new("RGB", (side, side), PADDING_RGB)
    square.paste(resized.convert("RGB"))
    return square


def _network_pixels(square: Image.Image) -> np.ndarray:
    bgr = np.asarray(square, dtype=np.float32)[..., ::-1]
    return np.ascontiguousarray((bgr - np.array(MEAN_BGR, dtype=np.float32)).transpose(2, 0, 1))
