"""Where face-api's box crop puts the eyes: the numbers behind the expression net's template.

    python benchmarks/faceapi_framing.py     # about 2 minutes on 2 cores

The bundled expression net was trained on face-api's box crops (the SSD box padded to a
square). An aligned crop must frame faces the same way, so `FACEAPI_TEMPLATE` is ArcFace's
template scaled and moved to put the eyes where the box crop puts them. With no landmark
model at hand, OpenCV's eye cascade finds the eyes inside each box crop of the bundled SSD
(face-api's samples, and realphotos-dev's close-ups on the zoom-out canvas so that their
boxes are not clipped); faces with other than one eye on each side are left out. Prints one
table: the eyes' distance apart and their midpoint, as fractions of the crop's side.
"""

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

from fer_engine.alignment import ARCFACE_TEMPLATE
from fer_engine.faceapi.bundled import load_ssd
from fer_engine.faceapi.expression_net import FACEAPI_EYE_CENTRE, FACEAPI_EYE_DISTANCE
from fer_engine.faceapi.face_detector import SsdFaceDetector
from fer_engine.faces import FaceBox
from fer_engine.train.datasets import image_folder
from fer_engine.zoom_out import zoomed_view

ROOT = Path(__file__).parents[1]
REALPHOTOS = ROOT.parent / "shared" / "datasets" / "realphotos-dev"
FACEAPI = ROOT / "tests" / "fixtures" / "faceapi"
CROP = 224  # the box crop is looked at this large, for the eye cascade's sake
EYES = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_eye.xml")


def eyes_in_box_crop(image: Image.Image, box: FaceBox) -> tuple[float, float, float] | None:
    """(distance apart, midpoint x, midpoint y) of the eyes in the box's square crop, as
    fractions of its side; None unless exactly one eye is found on each side."""
    side = max(box.w, box.h)
    left, top = box.x + box.w / 2 - side / 2, box.y + box.h / 2 - side / 2
    crop = image.crop((round(left), round(top), round(left + side), round(top + side)))
    grey = cv2.equalizeHist(np.asarray(crop.resize((CROP, CROP)).convert("L")))
    # Eyes lie in the upper part of a face; the mouth and nostrils fool the cascade.
    found = EYES.detectMultiScale(grey[: CROP * 6 // 10], 1.05, 5, minSize=(CROP // 11,) * 2)
    centres = [(x + w / 2, y + h / 2) for x, y, w, h in found]
    right_eye = [c for c in centres if c[0] < CROP / 2]
    left_eye = [c for c in centres if c[0] >= CROP / 2]
    if len(right_eye) != 1 or len(left_eye) != 1:
        return None
    (rx, ry), (lx, ly) = right_eye[0], left_eye[0]
    return np.hypot(lx - rx, ly - ry) / CROP, (rx + lx) / 2 / CROP, (ry + ly) / 2 / CROP


def measure(
    pictures: list[Image.Image], ssd: SsdFaceDetector, zoom: float
) -> tuple[int, np.ndarray]:
    """Faces the SSD finds in `pictures` (each zoomed out `zoom` times), and the eyes of
    those where both are found, one row per face."""
    faces, rows = 0, []
    for picture in pictures:
        if zoom > 1:
            picture = zoomed_view(picture, zoom, "edge", max(picture.size)).canvas
        for box in ssd.detect(picture):
            faces += 1
            eyes = eyes_in_box_crop(picture, box)
            if eyes is not None:
                rows.append(eyes)
    return faces, np.asarray(rows).reshape(-1, 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realphotos", type=Path, default=REALPHOTOS)
    args = parser.parse_args()
    ssd = SsdFaceDetector(load_ssd(torch.device("cpu")), min_confidence=0.5)
    samples = [Image.open(path).convert("RGB") for path in sorted(FACEAPI.glob("*.jpg"))]
    print("face-api samples", file=sys.stderr)
    groups = {"face-api samples": measure(samples, ssd, 1.0)}
    print("realphotos-dev", file=sys.stderr)
    close_ups = [photo.open() for photo in image_folder(args.realphotos).images]
    groups["realphotos-dev (zoomed out x3)"] = measure(close_ups, ssd, 3.0)
    groups["both"] = (
        sum(faces for faces, _ in groups.values()),
        np.concatenate([rows for _, rows in groups.values()]),
    )
    print(
        "| photos | faces | faces with both eyes | eye distance | eye midpoint x | eye midpoint y |"
    )
    print("|---|---|---|---|---|---|")

    def cell(values: np.ndarray) -> str:
        low, mid, high = np.percentile(values, [25, 50, 75])
        return f"{mid:.3f} ({low:.3f}-{high:.3f})"

    for name, (faces, rows) in groups.items():
        cells = " | ".join(cell(rows[:, column]) for column in range(3))
        print(f"| {name} | {faces} | {len(rows)} | {cells} |")
    arcface = ARCFACE_TEMPLATE[1][0] - ARCFACE_TEMPLATE[0][0]
    print(
        f"\nmedian, (quartiles). In use: eye distance {FACEAPI_EYE_DISTANCE}, midpoint "
        f"{FACEAPI_EYE_CENTRE}: ArcFace's template x{FACEAPI_EYE_DISTANCE / arcface:.2f}."
    )


if __name__ == "__main__":
    main()
