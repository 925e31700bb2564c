"""The bundled SSD MobileNetV1 as a `FaceDetector`, with face-api's input and output geometry."""

import numpy as np
import torch
from PIL import Image

from fer_engine.faceapi.ssd_mobilenet import INPUT_SIZE, SsdMobilenetV1, non_max_suppression
from fer_engine.faceapi.tf_ops import js_round, pad_to_square, resize_bilinear
from fer_engine.faces import FaceBox

MAX_RESULTS = 100  # face-api's default; the engine keeps at most max_faces of them anyway


class SsdFaceDetector:
    """Pads the photo to a square (zeros right or below), resizes it to 512, finds faces."""

    def __init__(self, model: SsdMobilenetV1, min_confidence: float) -> None:
        self.model = model.eval()
        self.min_confidence = min_confidence
        self.device = model.anchors.device

    def detect(self, image: Image.Image) -> list[FaceBox]:
        ((boxes, scores),) = self.run(ssd_input(image, self.device)[None])
        return self.locate(boxes, scores, image.size)

    @torch.inference_mode()
    def run(self, squares: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Raw boxes and scores for a batch of `ssd_input` squares (batch, 3, 512, 512): the
        one fixed-shape step, which a Ray deployment batches across photos."""
        boxes, scores = self.model(squares.to(self.device))
        return list(zip(boxes.cpu(), scores.cpu(), strict=True))

    def locate(
        self, boxes: torch.Tensor, scores: torch.Tensor, size: tuple[int, int]
    ) -> list[FaceBox]:
        """The faces among one photo's raw boxes, in the photo's pixels."""
        kept = non_max_suppression(boxes, scores, MAX_RESULTS, self.min_confidence)
        return [
            face
            for index in kept.tolist()
            if (face := _to_image_box(boxes[index], float(scores[index]), size)) is not None
        ]


def ssd_input(image: Image.Image, device: torch.device) -> torch.Tensor:
    """The photo as the detector reads it: padded to a square (zeros right or below),
    resized to 512 and scaled to [-1, 1], (3, 512, 512)."""
    pixels = torch.from_numpy(np.array(image)).permute(2, 0, 1)[None].to(device)
    square = resize_bilinear(pad_to_square(pixels, centred=False), INPUT_SIZE, INPUT_SIZE)
    return (square / 127.5 - 1)[0]


def _to_image_box(box: torch.Tensor, score: float, size: tuple[int, int]) -> FaceBox | None:
    """face-api's `locateFaces` geometry: clip to the padded square, undo the padding, scale."""
    width, height = size
    scale = INPUT_SIZE / max(width, height)
    pad_x = INPUT_SIZE / js_round(width * scale)
    pad_y = INPUT_SIZE / js_round(height * scale)
    ymin, xmin, ymax, xmax = box.double().tolist()
    top, bottom = max(0.0, ymin) * pad_y, min(1.0, ymax) * pad_y
    left, right = max(0.0, xmin) * pad_x, min(1.0, xmax) * pad_x
    face = FaceBox(
        left * width, top * height, (right - left) * width, (bottom - top) * height, score
    )
    # face-api drops faces whose crop, clipped to the photo, is empty.
    visible_w = min(face.x + face.w, width) - max(face.x, 0.0)
    visible_h = min(face.y + face.h, height) - max(face.y, 0.0)
    return face if visible_w >= 1 and visible_h >= 1 else None
