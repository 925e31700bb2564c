"""The bundled port against face-api.js itself, on the same six photos in one run.

    python benchmarks/faceapi_bench.py      # needs node and npm; about 4 minutes on 2 cores

face-api runs in Node (scripts/faceapi_reference, the pure-JS `cpu` backend: the only one
that installs here) on Pillow's pixels; the port runs the same work (find faces, name each
face's expression) on the same pixels, on the CPU. Prints one table of seconds per photo.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
from PIL import Image

from fer_engine.checkpoints import load_head
from fer_engine.faceapi.bundled import EXPRESSION_HEAD, load_expression_features, load_ssd
from fer_engine.faceapi.face_detector import SsdFaceDetector
from fer_engine.heads import HeadInputs

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "faceapi"
REFERENCE = ROOT / "scripts" / "faceapi_reference"
REPEATS = 3


def port_seconds(photos: list[Path]) -> dict[str, float]:
    """Median seconds per photo for detection plus every face's expressions."""
    detector = SsdFaceDetector(load_ssd(torch.device("cpu")), min_confidence=0.5)
    features, head = load_expression_features(token_grid=1), load_head(EXPRESSION_HEAD)

    def run(image: Image.Image) -> None:
        faces = detector.detect(image)
        crops = torch.stack([features.preprocess(image, face, margin=0.0) for face in faces])
        with torch.inference_mode():
            pooled, tokens = features(crops)
            torch.softmax(head.module(HeadInputs(image=pooled, image_tokens=tokens)), dim=-1)

    seconds = {}
    for path in photos:
        image = Image.open(path).convert("RGB")
        run(image)  # warm-up
        timings = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            run(image)
            timings.append(time.perf_counter() - started)
        seconds[path.name] = statistics.median(timings)
    return seconds


def faceapi_seconds() -> dict[str, dict]:
    """face-api's own timings, from a fresh run of the reference script."""
    if not (REFERENCE / "node_modules" / "@vladmandic" / "face-api").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REFERENCE, check=True)
    with tempfile.TemporaryDirectory() as scratch:
        raw, out = Path(scratch) / "raw", Path(scratch) / "out.json"
        subprocess.run(
            [sys.executable, REFERENCE / "decode_with_pillow.py", FIXTURES, raw], check=True
        )
        subprocess.run(["node", REFERENCE / "run.js", raw, out], check=True)
        return json.loads(out.read_text())["photos"]


def main() -> None:
    photos = sorted(FIXTURES.glob("sample*.jpg"))
    ours = port_seconds(photos)
    theirs = faceapi_seconds()
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads; face-api 1.7.15 (tfjs cpu)"
    )
    print()
    print("| photo | faces | face-api s | port s | port is faster by |")
    print("|---|---|---|---|---|")
    for path in photos:
        reference = theirs[path.name]
        node = reference["seconds"]["detect_and_expressions"]
        port, faces = ours[path.name], len(reference["faces"])
        print(f"| {path.name} | {faces} | {node:.2f} | {port:.3f} | {node / port:.0f}x |")
    node_total = sum(theirs[p.name]["seconds"]["detect_and_expressions"] for p in photos)
    port_total = sum(ours.values())
    print(f"| all six | | {node_total:.1f} | {port_total:.2f} | {node_total / port_total:.0f}x |")


if __name__ == "__main__":
    main()
