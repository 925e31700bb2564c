"""Engine throughput and latency: photos/s and p50/p99 per concurrency, batching on and off.

CPU, tiny random models (the table in BENCHMARKS.md):
    python benchmarks/engine_bench.py
GPU, the published shapes with random bf16 weights (DenseNet121, BLIP-2 OPT-2.7B or
flan-t5-xl writing exactly 20 tokens, CLIP-L/14 text, gated head):
    python benchmarks/engine_bench.py --size published --families opt t5 --device cuda \\
        --concurrency 1 64 256 --batching on --photos-per-slot 4 --direct-batches 1 64 256

Prints one markdown table. Rows of one run share the machine's state, so compare them as
ratios; `batching off` is max_batch 1; `direct` rows time one `pipeline.infer` call on an
already prepared batch (concurrency = batch size, p50 = that call), the models' ceiling.
"""

import argparse
import asyncio
import io
import platform
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from fer_engine.engine import Engine
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.settings import EngineSettings, FaceSettings, ServingSettings
from fer_engine.stats import percentile
from fer_engine.testing import random_pipeline

FACE_PHOTO = Path(__file__).parents[1] / "tests" / "data" / "face.jpg"
SAMPLES = Path(__file__).parents[1] / "tests" / "fixtures" / "faceapi"


@dataclass(frozen=True)
class Row:
    family: str
    concurrency: int
    batching: str
    photos: int
    photos_per_s: float
    p50_ms: float
    p99_ms: float
    mean_batch: float
    stage_ms: dict[str, float]


def synthetic_faces(count: int, side: int) -> list[bytes]:
    """Distinct aligned 'face' JPEGs (noise): for the GPU runs, where detection is not measured."""
    rng = np.random.default_rng(0)
    photos = []
    for _ in range(count):
        buffer = io.BytesIO()
        pixels = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(buffer, "JPEG", quality=90)
        photos.append(buffer.getvalue())
    return photos


async def measure(
    pipeline: Pipeline, serving: ServingSettings, photos: list[bytes], concurrency: int
) -> tuple[float, list[float], Counter[int], dict[str, float]]:
    """Wall seconds, per-photo latencies, batch sizes and stage p50s of one run (after warm-up)."""
    async with Engine(pipeline, serving) as engine:
        await asyncio.gather(*(engine.analyze(photo) for photo in photos[:concurrency]))
        before = Counter(engine.stats().batch_size_counts)
        slots = asyncio.Semaphore(concurrency)
        latencies: list[float] = []

        async def one(photo: bytes) -> None:
            async with slots:
                started = time.perf_counter()
                await engine.analyze(photo)
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one(photo) for photo in photos))
        wall = time.perf_counter() - started
        stats = engine.stats()
    return wall, latencies, Counter(stats.batch_size_counts) - before, dict(stats.stage_p50_s)


def run_row(
    family: str, pipeline: Pipeline, photos: list[bytes], concurrency: int, batching: str, args
) -> Row:
    max_batch = min(args.max_batch, concurrency) if batching == "on" else 1
    serving = ServingSettings(
        max_batch=max_batch,
        max_wait_ms=args.max_wait_ms if batching == "on" else 0.0,
        queue_size=max(256, concurrency),
        timeout_s=600.0,
        decode_workers=args.decode_workers,
    )
    wall, latencies, batches, stages = asyncio.run(measure(pipeline, serving, photos, concurrency))
    faces = sum(size * count for size, count in batches.items())
    return Row(
        family=family,
        concurrency=concurrency,
        batching=batching,
        photos=len(photos),
        photos_per_s=len(photos) / wall,
        p50_ms=1000 * percentile(latencies, 0.50),
        p99_ms=1000 * percentile(latencies, 0.99),
        mean_batch=faces / max(1, sum(batches.values())),
        stage_ms={stage: 1000 * seconds for stage, seconds in stages.items()},
    )


def measure_direct(family: str, pipeline: Pipeline, pool: list[bytes], batch: int) -> Row:
    """`pipeline.infer` on a prepared batch, without engine or decode threads: the ceiling."""
    faces = [face for photo in pool[:batch] for face in pipeline.prepare(photo).faces]
    pipeline.infer(faces)  # warm-up: allocator, cuDNN algorithms
    started = time.perf_counter()
    _, report = pipeline.infer(faces)
    wall = time.perf_counter() - started
    return Row(
        family=family,
        concurrency=batch,
        batching="direct",
        photos=len(faces),
        photos_per_s=len(faces) / wall,
        p50_ms=1000 * wall,
        p99_ms=1000 * wall,
        mean_batch=float(len(faces)),
        stage_ms={stage: 1000 * seconds for stage, seconds in report.timings.items()},
    )


def print_table(rows: list[Row], header: str) -> None:
    print(header)
    print()
    stages = ["decode", "detect", "crop", "cnn", "caption", "text", "head"]
    print(
        "| models | concurrency | batching | photos | photos/s | p50 ms | p99 ms | mean batch | "
        + " | ".join(f"{stage} p50 ms" for stage in stages)
        + " |"
    )
    print("|---" * (8 + len(stages)) + "|")
    for row in rows:
        cells = [
            row.family,
            str(row.concurrency),
            row.batching,
            str(row.photos),
            f"{row.photos_per_s:.1f}",
            f"{row.p50_ms:.0f}",
            f"{row.p99_ms:.0f}",
            f"{row.mean_batch:.1f}",
            *(f"{row.stage_ms[stage]:.1f}" if stage in row.stage_ms else "-" for stage in stages),
        ]
        print("| " + " | ".join(cells) + " |")
    by_key = {(r.family, r.concurrency, r.batching): r for r in rows}
    ratios = [
        f"{family} c={c}: {on.photos_per_s / off.photos_per_s:.2f}x"
        for (family, c, mode), on in by_key.items()
        if mode == "on" and (off := by_key.get((family, c, "off")))
    ]
    if ratios:
        print()
        print("Batching on / off, photos/s: " + ", ".join(ratios))


def photo_pool(size: str, count: int) -> list[bytes]:
    """Published runs measure the models: aligned synthetic faces. Tiny runs take the whole
    path of a one-face chat photo (Haar); bundled runs the six group photos of the parity test.
    """
    if size == "published":
        return synthetic_faces(count, 224)
    photos = sorted(SAMPLES.glob("sample*.jpg")) if size == "bundled" else [FACE_PHOTO]
    return [photos[i % len(photos)].read_bytes() for i in range(count)]


def build_pipeline(size: str, family: str, device: torch.device, new_tokens: int) -> Pipeline:
    if size == "bundled":
        return load_pipeline(EngineSettings(device=str(device)))
    faces = FaceSettings(detector="whole_image" if size == "published" else "haar")
    return random_pipeline(family, size, device, new_tokens, faces)


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["tiny", "published", "bundled"], default="tiny")
    parser.add_argument("--families", nargs="+", choices=["opt", "t5"], default=["t5"])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--concurrency", nargs="+", type=int, default=[1, 8, 64])
    parser.add_argument("--batching", nargs="+", choices=["on", "off"], default=["on", "off"])
    parser.add_argument(
        "--photos-per-slot", type=int, default=2, help="photos = this x concurrency"
    )
    parser.add_argument("--min-photos", type=int, default=32)
    parser.add_argument("--max-batch", type=int, default=256)
    parser.add_argument("--max-wait-ms", type=float, default=10.0)
    parser.add_argument("--new-tokens", type=int, default=20)
    parser.add_argument("--decode-workers", type=int, default=2)
    parser.add_argument(
        "--direct-batches",
        nargs="*",
        type=int,
        default=[],
        help="also time pipeline.infer alone at these batch sizes (rows 'direct')",
    )
    args = parser.parse_args()

    device = torch.device(args.device)
    largest = max(args.concurrency)
    pool = photo_pool(args.size, max(args.min_photos, args.photos_per_slot * largest))
    rows = []
    for family in ["bundled"] if args.size == "bundled" else args.families:
        torch.manual_seed(0)
        started = time.perf_counter()
        pipeline = build_pipeline(args.size, family, device, args.new_tokens)
        built = time.perf_counter() - started
        print(f"built {args.size} {family} pipeline in {built:.1f} s", flush=True)
        for concurrency in args.concurrency:
            photos = pool[: max(args.min_photos, args.photos_per_slot * concurrency)]
            for batching in args.batching:
                row = run_row(family, pipeline, photos, concurrency, batching, args)
                print(f"  {row}", flush=True)
                rows.append(row)
        for batch in args.direct_batches:
            row = measure_direct(family, pipeline, pool, batch)
            print(f"  {row}", flush=True)
            rows.append(row)
        del pipeline
        if device.type == "cuda":
            torch.cuda.empty_cache()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name()
    tokens = "" if args.size == "bundled" else f", {args.new_tokens} new tokens"
    header = (
        f"{args.size} models{tokens}, device {device} ({name}), "
        f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print_table(rows, header)


if __name__ == "__main__":
    main()
