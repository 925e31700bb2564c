"""The local engine against the Ray Serve backend with 1 and 2 replicas per deployment:
photos/s and p50/p99 latency, as ratios to the local engine, and what Ray adds per photo.

CPU, tiny random fusion models (BLIP-2 flan-t5, CLIP text, gated head), every picture one
face (the table in BENCHMARKS.md):
    .venv/bin/python -m benchmarks.ray_bench
It starts its own local Ray cluster (Serve's HTTP proxy on a free port) and shuts it down.
Every variant answers the same photos in one run, so compare them as ratios. Ray's
overhead per photo (handle hops between three deployments, pickled face tensors, the client)
is measured one photo at a time, each sent to the local engine and then to Ray in turn.
"""

import argparse
import asyncio
import os
import platform
import socket
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from fer_engine.service import EngineService, open_engine
from fer_engine.settings import DeploymentSettings, EngineSettings, RaySettings
from fer_engine.stats import percentile
from fer_engine.testing import save_tiny_models
from ferbot.settings import load_settings
from tests.images import encode, noise

os.environ.setdefault("RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S", "2")


@dataclass(frozen=True)
class Row:
    variant: str
    photos_per_s: float
    p50_ms: float
    p99_ms: float
    added_ms: float | None  # median of (this backend - local) over photos sent in turn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tiny_settings(folder: Path) -> EngineSettings:
    settings = load_settings(save_tiny_models(folder), environ={}).engine
    faces = settings.faces.model_copy(update={"detector": "whole_image"})
    return settings.model_copy(update={"device": "cpu", "faces": faces})


def on_ray(settings: EngineSettings, replicas: int) -> EngineSettings:
    # No CPU reserved per replica, so that every replica fits on a small machine.
    each = DeploymentSettings(
        min_replicas=replicas, max_replicas=replicas, num_cpus=0.0, max_ongoing_requests=256
    )
    ray = RaySettings(http_port=free_port(), ingress=each, models=each, captioner=each)
    return settings.model_copy(update={"backend": "ray", "ray": ray})


async def under_load(
    variant: str, engine: EngineService, photos: list[bytes], concurrency: int
) -> tuple[float, list[float]]:
    """Photos/s and each photo's latency, `concurrency` photos in flight at a time."""
    slots = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    progress = tqdm(total=len(photos), desc=f"{variant}: {concurrency} at once", leave=False)

    async def one(photo: bytes) -> None:
        async with slots:
            started = time.perf_counter()
            await engine.analyze(photo)
            latencies.append(time.perf_counter() - started)
            progress.update()

    started = time.perf_counter()
    await asyncio.gather(*(one(photo) for photo in photos))
    wall = time.perf_counter() - started
    progress.close()
    return len(photos) / wall, latencies


async def seconds(engine: EngineService, photo: bytes) -> float:
    started = time.perf_counter()
    await engine.analyze(photo)
    return time.perf_counter() - started


async def in_turn(
    variant: str, local: EngineService, remote: EngineService, photos: list[bytes]
) -> float:
    """Ray's overhead per photo: each photo to the local engine, then to Ray, one at a
    time, so that both see the machine's load of that moment; the median difference."""
    added = []
    for photo in tqdm(photos, desc=f"{variant}: in turn with local", leave=False):
        added.append(await seconds(remote, photo) - await seconds(local, photo))
    return float(np.median(added))


def row(variant: str, measured: tuple[float, list[float]], added_s: float | None) -> Row:
    photos_per_s, latencies = measured
    return Row(
        variant,
        photos_per_s,
        percentile(latencies, 0.50) * 1000,
        percentile(latencies, 0.99) * 1000,
        None if added_s is None else added_s * 1000,
    )


async def run_all(
    settings: EngineSettings, photos: list[bytes], args: argparse.Namespace
) -> list[Row]:
    from fer_engine.serve import deploy

    local = await open_engine(settings)
    try:
        for photo in photos[:4]:  # warm-up: first batches, lazy imports
            await local.analyze(photo)
        rows = [row("local", await under_load("local", local, photos, args.concurrency), None)]
        for replicas in args.replicas:
            variant = f"ray, {replicas} replica{'s' if replicas > 1 else ''} each"
            deployed = on_ray(settings, replicas)
            started = time.perf_counter()
            await asyncio.to_thread(deploy, deployed)
            print(f"{variant}: deployed in {time.perf_counter() - started:.1f} s")
            remote = await open_engine(deployed)
            try:
                for photo in photos[:4]:
                    await remote.analyze(photo)
                added = await in_turn(variant, local, remote, photos[: args.in_turn])
                measured = await under_load(variant, remote, photos, args.concurrency)
                rows.append(row(variant, measured, added))
            finally:
                await remote.close()
        return rows
    finally:
        await local.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--in-turn", type=int, default=30, help="photos sent one at a time")
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    import ray

    # Ray gives each replica that reserves no CPU one torch thread (OMP_NUM_THREADS=1); the
    # local engine gets the same, so the rows differ by Ray alone.
    torch.set_num_threads(1)
    photos = [encode(noise(seed, (64, 64)), "JPEG") for seed in range(args.photos)]
    with tempfile.TemporaryDirectory() as folder:
        settings = tiny_settings(Path(folder))
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
        try:
            rows = asyncio.run(run_all(settings, photos, args))
        finally:
            ray.shutdown()
    print_table(rows, args)


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    local = rows[0]
    print(
        f"\n{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {args.photos} photos, "
        f"{args.concurrency} at once; {args.in_turn} in turn with local, one at a time\n"
    )
    print(
        "| backend | photos/s | x local | p50 ms | p99 ms | p50 x local "
        "| Ray adds per photo (one at a time) |"
    )
    print("|---|---|---|---|---|---|---|")
    for one in rows:
        added = "" if one.added_ms is None else f"{one.added_ms:+.1f} ms"
        speed = one.photos_per_s / local.photos_per_s
        print(
            f"| {one.variant} | {one.photos_per_s:.1f} | {speed:.2f} "
            f"| {one.p50_ms:.0f} | {one.p99_ms:.0f} | {one.p50_ms / local.p50_ms:.2f} "
            f"| {added} |"
        )


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
