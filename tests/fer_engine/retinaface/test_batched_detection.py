"""RetinaFace batched across photos (as a GPU or a Ray deployment runs it) finds the same
faces as one photo at a time."""

import torch
from PIL import Image

from fer_engine.retinaface.bundled import load_retinaface
from fer_engine.retinaface.face_detector import RetinaFaceDetector, retinaface_input
from tests.images import GROUP_JPEG, face, noise


def test_photos_detected_in_one_batch_get_the_faces_each_gets_alone() -> None:
    detector = RetinaFaceDetector(load_retinaface(torch.device("cpu")), 640, 0.8)
    photos = [Image.open(GROUP_JPEG).convert("RGB"), face(), noise(0, (200, 120))]
    squares = torch.stack([retinaface_input(photo, detector.side) for photo in photos])
    batched = [
        detector.locate(found, photo.size)
        for found, photo in zip(detector.run(squares), photos, strict=True)
    ]
    alone = [detector.detect(photo) for photo in photos]
    assert [len(found) for found in batched] == [3, 1, 0]
    for together, single in zip(batched, alone, strict=True):
        assert [box.rounded() for box in together] == [box.rounded() for box in single]
        assert [box.landmarks for box in together] == [box.landmarks for box in single]
