"""The full soak in one command, printing one markdown table (RELIABILITY.md holds it).

    .venv/bin/python -m benchmarks.soak                    # every row, ~20 min on 2 cores
    .venv/bin/python -m benchmarks.soak --rows load memory # some rows

Rows:
- load: 5,000 photos from 500 people (a tenth of both on Discord) in bursts of up to 200,
  through `ferbot -vv run` against the fake Telegram and Discord on 127.0.0.1;
- faults: the same with 3% of requests answered 500 and 2% cut off (both platforms, API and
  file downloads), a 30 s 429 storm (retry_after 1-5 s) and SIGKILL + restart halfway;
- memory: 10,000 analyses through one engine in this process (curve:
  benchmarks/results/soak_memory.png);
- hostile: the generated hostile corpus (tests/soak/hostile_files.py) through both platforms;
- fuzz and security: tests/soak/test_fuzz.py (with 5,000 examples each) and
  tests/soak/test_security.py under pytest.

`answered`: photos (or files) that got a reply; `lost`: those that got none; `duplicated`:
those that got more than one; `crashes`: times the process died unasked (a worker dead), or
failed tests; `memory`: resident memory at the end against after warm-up (ferbot run's after a
tenth of the photos; the engine's after 1,000 analyses). Every log line of every process, at
DEBUG, is scanned for the tokens: the `leaked` column counts lines holding one.
"""

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fer_engine.loading import load_pipeline
from fer_engine.settings import EngineSettings
from tests.conftest import whole_image
from tests.soak.hostile_run import send_corpus
from tests.soak.memory import draw, soak_engine
from tests.soak.traffic import Trouble, Volume, run_traffic

RESULTS = Path(__file__).parent / "results"
COMMAND = ".venv/bin/python -m benchmarks.soak --rows"
LOAD = Volume(photos=5000, people=500, discord_share=0.1, burst=200)
FAULTS = Trouble(error_share=0.03, drop_share=0.02, storm_s=30, kill=True)
ANALYSES = 10_000
FUZZ_EXAMPLES = 5000


@dataclass(frozen=True)
class Row:
    scenario: str
    volume: str
    faults: str
    answered: str
    lost: str
    duplicated: str
    crashes: str
    memory: str
    latency: str
    leaked: str
    command: str


async def traffic_row(name: str, trouble: Trouble, folder: Path) -> Row:
    report = await run_traffic(LOAD, trouble, folder, progress=True)
    injected = ", ".join(f"{count} x {kind}" for kind, count in sorted(report.injected.items()))
    store = "ok" if report.stored == report.stored_distinct == LOAD.photos else "MISMATCH"
    growth = report.memory_growth
    return Row(
        name,
        f"{LOAD.photos} photos, {LOAD.people} people, {LOAD.discord_share:.0%} on Discord",
        f"{trouble.describe()}" + (f" ({injected})" if injected else ""),
        f"{report.answered} (store: {report.stored} rows, {report.stored_distinct} distinct, "
        f"{store}; integrity {report.integrity})",
        str(report.lost),
        f"{report.duplicated} (may repeat: {len(report.redeliverable)})"
        if trouble.kill
        else str(report.duplicated),
        str(report.crashes),
        "n/a (restarted)" if growth is None else f"{growth:+.1%}",
        f"{report.percentile_ms(0.5):.0f} / {report.percentile_ms(0.99):.0f}",
        str(len(report.leaked)),
        f"{COMMAND} {name}",
    )


async def memory_row() -> Row:
    pipeline = whole_image(load_pipeline(EngineSettings(device="cpu")))
    report = await soak_engine(pipeline, ANALYSES, samples=50, progress=True)
    RESULTS.mkdir(exist_ok=True)
    draw(report, RESULTS / "soak_memory.png")
    warm, end = report.warm, report.end
    return Row(
        "memory",
        f"{ANALYSES} analyses, one engine",
        "none",
        str(ANALYSES),
        "0",
        "0",
        "0",
        f"{report.growth:+.2%} ({warm.rss_mb:.0f} -> {end.rss_mb:.0f} MB); fds "
        f"{warm.fds} -> {end.fds}, threads {warm.threads} -> {end.threads}",
        "",
        "",
        f"{COMMAND} memory",
    )


async def hostile_row(folder: Path) -> Row:
    report = await send_corpus(folder)
    impolite = ", ".join(f"{a.platform}: {a.file}" for a in report.impolite)
    return Row(
        "hostile",
        f"{report.files} files x 2 platforms",
        "polyglots, bombs, SVG, HEIC, 0 bytes, 19.9 MB, huge EXIF, lying MIME types",
        f"{len(report.answers)} ({len(report.answers) - len(report.impolite)} polite"
        + (f"; impolite: {impolite})" if impolite else ")"),
        str(2 * report.files - len(report.answers)),
        "0",
        str(report.crashes),
        "",
        "",
        str(len(report.leaked)),
        f"{COMMAND} hostile",
    )


def pytest_row(name: str, test_file: str, volume: str) -> Row:
    environment = os.environ | {"FERBOT_SOAK_FUZZ_EXAMPLES": str(FUZZ_EXAMPLES)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test_file],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    summary = result.stdout.strip().splitlines()[-1]
    failed = summary.split(" failed")[0].split()[-1] if " failed" in summary else "0"
    return Row(name, volume, "", summary, "", "", failed, "", "", "", f"{COMMAND} {name}")


def dump_tasks() -> None:
    """On SIGUSR1: where every task of this process waits, for a run that seems stuck."""
    for task in asyncio.all_tasks():
        task.print_stack(limit=6, file=sys.stderr)


async def main(rows: list[str]) -> None:
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, dump_tasks)
    table: list[Row] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name in rows:
            (folder / name).mkdir()
            if name == "load":
                table.append(await traffic_row(name, Trouble(), folder / name))
            elif name == "faults":
                table.append(await traffic_row(name, FAULTS, folder / name))
            elif name == "memory":
                table.append(await memory_row())
            elif name == "hostile":
                table.append(await hostile_row(folder / name))
            elif name == "fuzz":
                examples = f"{FUZZ_EXAMPLES} examples x 4 properties"
                table.append(pytest_row(name, "tests/soak/test_fuzz.py", examples))
            elif name == "security":
                table.append(pytest_row(name, "tests/soak/test_security.py", "7 abuse cases"))
    headers = (
        "scenario | volume | faults injected | answered | lost | duplicated | crashes | "
        "memory growth | p50 / p99 ms | leaked | command"
    )
    print(f"| {headers} |")
    print("|" + "---|" * len(headers.split("|")))
    for row in table:
        print("| " + " | ".join(vars(row).values()) + " |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    choices = ["load", "faults", "memory", "hostile", "fuzz", "security"]
    parser.add_argument("--rows", nargs="+", choices=choices, default=choices)
    asyncio.run(main(parser.parse_args().rows))
