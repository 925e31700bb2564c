"""Fast path against plain path: one-photo latency, photos/s and memory through `Engine.analyze`.

GPU, the published shapes with random bf16 weights (BLIP-2 ViT-g + Q-Former with OPT-2.7B
and flan-t5-xl, CLIP ViT-L/14 text, DenseNet121, gated head), as benchmarks/gpu_bench.sh runs it:
    python3 -m benchmarks.gpu_bench
CPU smoke run of the same script end to end (tiny models, small counts):
    .venv/bin/python -m benchmarks.gpu_bench --tiny

Per family it builds the models once and serves them twice, through one `Engine` each: the
plain path (transformers `generate`) and the fast path (static KV cache, compiled decode
step, batch buckets warmed up at engine start). Photos are 2x2 grids holding 1-3 copies of
the test face (colours jittered per photo), found by the bundled SSD detector. It first checks
the fast path's captions and probabilities against the plain path's on the same photos, then
prints one table and the fast / plain ratios.
"""

import argparse
import asyncio
import io
import logging
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from benchmarks.engine_bench import cpu_name
from fer_engine import Analysis
from fer_engine.acceleration import compile_mode
from fer_engine.captioner import Captioner
from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from fer_engine.settings import AccelerationSettings, FaceSettings, ServingSettings
from fer_engine.static_decoding import batch_buckets
from fer_engine.stats import percentile
from fer_engine.testing import random_pipeline

FACE_PHOTO = Path(__file__).parents[1] / "tests" / "data" / "face.jpg"
TINY_DEFAULTS = {
    "device": "cpu",
    "new_tokens": 8,
    "check_photos": 6,
    "latency_photos": 6,
    "concurrency": [4, 8],
    "photos_per_slot": 2,
    "max_batch": 8,
    "decode_workers": 2,
}


@dataclass(frozen=True)
class PathResult:
    family: str
    path: str
    warmup_s: float
    p50_ms: float
    p99_ms: float
    photos_per_s: dict[int, float]
    faces_per_s: dict[int, float]
    mean_batch: dict[int, float]
    peak_gib: float


def group_photos(count: int) -> list[bytes]:
    """Photo i holds 1 + i % 3 faces in a 2x2 grid; every copy's colours are jittered so that
    no two photos are the same pixels."""
    face = np.asarray(Image.open(FACE_PHOTO).convert("RGB"), dtype=np.float32)
    side = face.shape[0]
    rng = np.random.default_rng(0)
    photos = []
    for index in range(count):
        canvas = np.full((2 * side, 2 * side, 3), 128, dtype=np.uint8)
        for slot in range(1 + index % 3):
            tile = np.clip(face * rng.uniform(0.8, 1.2, 3), 0, 255).astype(np.uint8)
            row, column = divmod(slot, 2)
            canvas[row * side : (row + 1) * side, column * side : (column + 1) * side] = tile
        buffer = io.BytesIO()
        Image.fromarray(canvas).save(buffer, "JPEG", quality=90)
        photos.append(buffer.getvalue())
    return photos


async def closed_loop(
    engine: Engine, photos: list[bytes], concurrency: int, label: str
) -> tuple[float, list[float], list[Analysis]]:
    """`concurrency` callers, each sending its next photo when the last is answered."""
    slots = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    progress = tqdm(total=len(photos), desc=label, leave=False, disable=None)  # none in logs

    async def one(photo: bytes) -> Analysis:
        async with slots:
            started = time.perf_counter()
            analysis = await engine.analyze(photo)
            latencies.append(time.perf_counter() - started)
            progress.update()
            return analysis

    started = time.perf_counter()
    analyses = await asyncio.gather(*(one(photo) for photo in photos))
    wall = time.perf_counter() - started
    progress.close()
    return wall, latencies, list(analyses)


def served(pipeline: Pipeline, args: argparse.Namespace) -> Engine:
    return Engine(
        pipeline,
        ServingSettings(
            max_batch=args.max_batch,
            max_wait_ms=args.max_wait_ms,
            queue_size=max(256, *args.concurrency),
            timeout_s=600.0,
            decode_workers=args.decode_workers,
        ),
    )


async def run_path(
    family: str, path: str, pipeline: Pipeline, pool: list[bytes], args: argparse.Namespace
) -> tuple[PathResult, list[Analysis]]:
    """Check photos, then latency at concurrency 1, then photos/s per concurrency."""
    device = pipeline.device
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    async with served(pipeline, args) as engine:
        warmup_s = engine.stats().warmup_s
        if path != "plain" and pipeline.captioner.decoding != "fast":
            raise RuntimeError("the fast path failed at warm-up (its traceback is logged above)")
        _, _, checked = await closed_loop(engine, pool[: args.check_photos], 8, "check")
        _, latencies, _ = await closed_loop(engine, pool[: args.latency_photos], 1, "latency")
        photos_per_s, faces_per_s, mean_batch = {}, {}, {}
        for concurrency in args.concurrency:
            photos = pool[: args.photos_per_slot * concurrency]
            await closed_loop(engine, photos[:concurrency], concurrency, f"warm c={concurrency}")
            before = engine.stats().batch_size_counts
            wall, _, analyses = await closed_loop(engine, photos, concurrency, f"c={concurrency}")
            after = engine.stats().batch_size_counts
            sizes = {size: count - before.get(size, 0) for size, count in after.items()}
            faces = sum(size * count for size, count in sizes.items())
            photos_per_s[concurrency] = len(photos) / wall
            faces_per_s[concurrency] = sum(len(a.faces) for a in analyses) / wall
            mean_batch[concurrency] = faces / max(1, sum(sizes.values()))
    peak = torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else 0.0
    result = PathResult(
        family,
        path,
        warmup_s,
        1000 * percentile(latencies, 0.50),
        1000 * percentile(latencies, 0.99),
        photos_per_s,
        faces_per_s,
        mean_batch,
        peak,
    )
    print(f"  {result}", flush=True)
    return result, checked


def run_fast(
    family: str, plain: Pipeline, pool: list[bytes], args: argparse.Namespace
) -> tuple[PathResult, list[Analysis]]:
    """The fast path; should compiling fail on this machine, the static cache uncompiled, so
    that one run on a lent GPU always brings numbers back (the row says which it was)."""
    try:
        return asyncio.run(run_path(family, "fast", fast_twin(plain, args), pool, args))
    except Exception:
        traceback.print_exc()
        print(f"  {family}: compiled fast path failed; measuring it uncompiled", flush=True)
        args = argparse.Namespace(**{**vars(args), "compile_mode": "off"})
        return asyncio.run(run_path(family, "fast-uncompiled", fast_twin(plain, args), pool, args))


def fast_twin(plain: Pipeline, args: argparse.Namespace) -> Pipeline:
    """The same models (shared, not copied) with a captioner on the fast path."""
    captioner = plain.captioner
    fast = Captioner(
        captioner.model,
        captioner.processor,
        captioner.prompt,
        captioner.max_new_tokens,
        captioner.min_new_tokens,
    )
    settings = AccelerationSettings(compile_mode=args.compile_mode)
    buckets = batch_buckets(args.buckets, args.max_batch)
    if not fast.use_static_decoding(buckets, compile_mode(settings, plain.device)):
        raise SystemExit("the fast path refused these models")
    return Pipeline(plain.settings, plain.detector, plain.cnn, plain.head, fast, plain.text_encoder)


def agreement(plain: list[Analysis], fast: list[Analysis]) -> str:
    """How many faces got the same caption, and the largest probability difference."""
    pairs = [
        (a, b)
        for one, other in zip(plain, fast, strict=True)
        for a, b in zip(one.faces, other.faces, strict=True)
    ]
    same = sum(a.caption == b.caption for a, b in pairs)
    gap = max(abs(a.probs[k] - b.probs[k]) for a, b in pairs for k in a.probs)
    return f"{same}/{len(pairs)} captions identical, max |p fast - p plain| {gap:.2g}"


def print_table(results: list[PathResult], checks: dict[str, str], header: str) -> None:
    concurrencies = sorted(results[0].photos_per_s)
    print(header)
    print()
    print(
        "| models | path | warm-up s | 1-photo p50 ms | 1-photo p99 ms | "
        + " | ".join(f"photos/s c={c} | faces/s c={c} | mean batch c={c}" for c in concurrencies)
        + " | peak GPU GiB |"
    )
    print("|---" * (6 + 3 * len(concurrencies)) + "|")
    for r in results:
        cells = [r.family, r.path, f"{r.warmup_s:.1f}", f"{r.p50_ms:.0f}", f"{r.p99_ms:.0f}"]
        for c in concurrencies:
            cells += [
                f"{r.photos_per_s[c]:.1f}",
                f"{r.faces_per_s[c]:.1f}",
                f"{r.mean_batch[c]:.1f}",
            ]
        cells.append(f"{r.peak_gib:.1f}")
        print("| " + " | ".join(cells) + " |")
    print()
    by_key = {(r.family, r.path): r for r in results}
    for family, check in checks.items():
        plain = by_key[(family, "plain")]
        fast = next(r for r in results if r.family == family and r.path != "plain")
        ratios = [f"1-photo p50 {plain.p50_ms / fast.p50_ms:.2f}x"] + [
            f"photos/s c={c} {fast.photos_per_s[c] / plain.photos_per_s[c]:.2f}x"
            for c in concurrencies
        ]
        print(f"{family}: speed-up of {fast.path} over plain: " + ", ".join(ratios))
        print(f"{family}: check: {check}")


def write_chart(results: list[PathResult], path: Path, header: str) -> None:
    """Bars per family and path: one-photo p50 and photos/s at each concurrency."""
    try:  # matplotlib is a ferbot dependency, but a bare GPU image may lack it
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        print(f"no chart: matplotlib is not installed here ({path} not written)")
        return
    concurrencies = sorted(results[0].photos_per_s)
    panels = [("1-photo latency p50 (ms, lower is better)", lambda r: r.p50_ms)] + [
        (f"photos/s at concurrency {c}", lambda r, c=c: r.photos_per_s[c]) for c in concurrencies
    ]
    figure = Figure(figsize=(4.5 * len(panels), 4.5), dpi=100)
    FigureCanvasAgg(figure)
    figure.suptitle(header, fontsize=8)
    labels = [f"{r.family}\n{r.path}" for r in results]
    colours = ["#9aa5b1" if r.path == "plain" else "#4f86c6" for r in results]
    for axes, (title, value) in zip(figure.subplots(1, len(panels)), panels, strict=True):
        values = [value(r) for r in results]
        axes.bar(labels, values, color=colours)
        axes.bar_label(axes.containers[0], fmt="%.3g", fontsize=8)
        axes.set_title(title, fontsize=10)
        axes.tick_params(labelsize=8)
    figure.subplots_adjust(left=0.05, right=0.98, top=0.82, bottom=0.15, wspace=0.3)
    figure.savefig(path, format="png")
    print(f"chart written to {path}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tiny", action="store_true", help="CPU smoke run: tiny models, few photos"
    )
    parser.add_argument("--families", nargs="+", choices=["opt", "t5"], default=["opt", "t5"])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--new-tokens", type=int, default=20)
    parser.add_argument("--check-photos", type=int, default=24)
    parser.add_argument("--latency-photos", type=int, default=50)
    parser.add_argument("--concurrency", nargs="+", type=int, default=[64, 256])
    parser.add_argument("--photos-per-slot", type=int, default=3)
    parser.add_argument("--max-batch", type=int, default=256)
    parser.add_argument("--max-wait-ms", type=float, default=20.0)
    parser.add_argument("--decode-workers", type=int, default=12)
    parser.add_argument(
        "--buckets", nargs="+", type=int, default=list(AccelerationSettings().batch_buckets)
    )
    parser.add_argument("--compile-mode", default="auto")
    parser.add_argument("--chart", type=Path, help="also write the table as a PNG bar chart here")
    # --tiny changes the defaults only: flags given beside it still count.
    if parser.parse_known_args()[0].tiny:
        parser.set_defaults(**TINY_DEFAULTS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    device = torch.device(args.device)
    size = "tiny" if args.tiny else "published"
    pool = group_photos(
        max(args.check_photos, args.latency_photos, args.photos_per_slot * max(args.concurrency))
    )
    faces = FaceSettings(detector="ssd", max_faces=3)
    results, checks = [], {}
    for family in args.families:
        torch.manual_seed(0)
        started = time.perf_counter()
        plain = random_pipeline(family, size, device, args.new_tokens, faces)
        print(f"built {size} {family} in {time.perf_counter() - started:.1f} s", flush=True)
        plain_result, plain_checked = asyncio.run(run_path(family, "plain", plain, pool, args))
        fast_result, fast_checked = run_fast(family, plain, pool, args)
        checks[family] = agreement(plain_checked, fast_checked)
        print(f"  {family}: {checks[family]}", flush=True)
        results += [plain_result, fast_result]
        del plain
        # The next family's compiled forward must not inherit this one's dynamic-shape history.
        torch._dynamo.reset()
        if device.type == "cuda":
            torch.cuda.empty_cache()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name()
    faces_per_photo = np.mean([1 + i % 3 for i in range(len(pool))])
    header = (
        f"{size} models, {args.new_tokens} new tokens, device {device} ({name}), torch "
        f"{torch.__version__}, {torch.get_num_threads()} CPU threads, photos of 1-3 faces "
        f"({faces_per_photo:.1f} on average), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print_table(results, checks, header)
    if args.chart:
        write_chart(results, args.chart, header)


if __name__ == "__main__":
    main()
