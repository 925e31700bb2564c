"""Resident memory and speed of the bundled CNN over random batch sizes: each batch as it
comes, against the same batch cut into power-of-two chunks (what `Pipeline.infer` does on the
CPU; see fer_engine/batch_shapes.py).

    python -m benchmarks.memory_shapes                  # 600 batches of 1-32 faces per variant
    python -m benchmarks.memory_shapes --batches 200

Each variant runs in a fresh process (a heap once fragmented stays so), one torch thread, on
the same seeded sequence of batch sizes. Prints a markdown table: resident memory above the
loaded models' after each hundred batches (the highest in that hundred), and the time, as a
ratio to the first variant's measured in the same run.
"""

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import torch
from PIL import Image

from fer_engine.batch_shapes import power_of_two_chunks
from fer_engine.faces import FaceBox
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import face_features
from fer_engine.settings import EngineSettings

VARIANTS = ("as it comes", "power-of-two chunks")
MAX_BATCH = 32
_PAGE = 4096


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE / 2**20


def run_variant(variant: str, batches: int) -> dict:
    """One variant in this process: the growth per hundred batches and the seconds taken."""
    torch.set_num_threads(1)
    pipeline = load_pipeline(EngineSettings(device="cpu"))
    picture = Image.effect_noise((96, 96), 64).convert("RGB")
    face = pipeline.cnn.preprocess(picture, FaceBox(0, 0, 96, 96, 1.0), 0.0)
    faces = face.expand(MAX_BATCH, *face.shape).contiguous()
    sizes = random.Random(0).choices(range(1, MAX_BATCH + 1), k=batches)
    base, highest, per_hundred = resident_mb(), 0.0, []
    started = time.perf_counter()
    with torch.inference_mode():
        for number, count in enumerate(sizes, 1):
            chunks = [range(count)] if variant == VARIANTS[0] else power_of_two_chunks(range(count))
            for chunk in chunks:
                pipeline.head.module(face_features(pipeline.cnn, faces[chunk[0] : chunk[-1] + 1]))
            highest = max(highest, resident_mb() - base)
            if number % 100 == 0:
                per_hundred.append(round(highest))
                highest = 0.0
    return {"seconds": time.perf_counter() - started, "growth_mb": per_hundred}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=600)
    parser.add_argument("--variant", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.batches)))
        return
    rows = {}
    for variant in VARIANTS:
        command = [sys.executable, "-m", "benchmarks.memory_shapes", "--variant", variant]
        done = subprocess.run(
            [*command, "--batches", str(args.batches)], check=True, capture_output=True, text=True
        )
        rows[variant] = json.loads(done.stdout.splitlines()[-1])
    first = rows[VARIANTS[0]]["seconds"]
    print("| batches of 1-32 faces | MB above loaded, per 100 batches | seconds | time ratio |")
    print("|---|---|---|---|")
    for variant, row in rows.items():
        growth = ", ".join(str(mb) for mb in row["growth_mb"])
        print(f"| {variant} | {growth} | {row['seconds']:.1f} | {row['seconds'] / first:.2f} |")


if __name__ == "__main__":
    main()
