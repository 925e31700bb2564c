"""The SSD detector batched across photos (as the Ray models deployment runs it) finds the
same faces as one photo at a time."""

import torch
from PIL import Image

from fer_engine.faceapi.face_detector import SsdFaceDetector, ssd_input
from fer_engine.loading import build_detector
from fer_engine.settings import FaceSettings
from tests.images import GROUP_JPEG, face


def test_photos_detected_in_one_batch_get_the_faces_each_gets_alone() -> None:
    detector = build_detector(FaceSettings(detector="ssd", zoom_out=()), torch.device("cpu"))
    assert isinstance(detector, SsdFaceDetector)
    photos = [Image.open(GROUP_JPEG).convert("RGB"), face()]
    squares = torch.stack([ssd_input(photo, torch.device("cpu")) for photo in photos])
    batched = [
        detector.locate(boxes, scores, photo.size)
        for (boxes, scores), photo in zip(detector.run(squares), photos, strict=True)
    ]
    alone = [detector.detect(photo) for photo in photos]
    assert [len(found) for found in batched] == [3, 1]
    for together, single in zip(batched, alone, strict=True):
        assert [box.rounded() for box in together] == [box.rounded() for box in single]
