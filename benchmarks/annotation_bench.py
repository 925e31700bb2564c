"""Drawing a photo's faces and encoding it, as the bot does for a group photo: face-api's
sample5.jpg (5 faces) enlarged to 1920 px on its longer side, and to 4032 px (a phone's
original, as Discord passes it on), decoded, scaled to 1280 px, boxed, labelled and encoded
as JPEG; and, beside the 1920 px one, the same drawing encoded as PNG.

    PYTHONPATH=. python -m benchmarks.annotation_bench
    PYTHONPATH=. python -m benchmarks.annotation_bench --against a4380a6

`--against` also times bot/annotation.py as it was at that git revision, alternating with
today's run by run, and prints the ratio: on a shared machine only times taken side by side
compare.
"""

import argparse
import io
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image

from bot.annotation import Mark, annotate, draw_marks
from bot.settings import BotSettings
from fer_engine.settings import ImageSettings
from tests.faceapi_samples import SampleFace, faceapi_samples

RUNS = 60
SIDES = (1920, 4032)
ROOT = Path(__file__).parents[1]

Annotate = Callable[[bytes, list[Mark], ImageSettings, int], object]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", metavar="REVISION", help="also time this git revision")
    args = parser.parse_args()
    sample = next(s for s in faceapi_samples() if len(s.faces) == 5)
    original = Image.open(sample.path).convert("RGB")
    side = BotSettings().annotate_max_side
    limits = ImageSettings()
    ways = {"now": annotate} | ({args.against: _annotate_at(args.against)} if args.against else {})
    print(f"face-api {sample.name}, 5 faces, drawn at {side} px, {RUNS} runs, p50 ms (p90 ms)")
    print(
        "| photo | output | " + " | ".join(ways) + (" | now / before |" if args.against else " |")
    )
    print("|---" * (len(ways) + 2 + bool(args.against)) + "|")
    for longer in SIDES:
        data, marks = _enlarged(original, sample.faces, longer)
        times = _times_side_by_side(
            {name: _call(way, data, marks, limits, side) for name, way in ways.items()}
        )
        size = len(annotate(data, marks, limits, side).jpeg)
        cells = [f"{p50:.1f} ({p90:.1f})" for p50, p90 in times.values()]
        if args.against:
            cells.append(f"{times['now'][0] / times[args.against][0]:.2f}")
        height = round(original.height * longer / max(original.size))
        print(f"| {longer}x{height} | JPEG q85 ({size // 1000} kB) | " + " | ".join(cells) + " |")
    data, marks = _enlarged(original, sample.faces, SIDES[0])
    ((p50, p90),) = _times_side_by_side({"png": lambda: _as_png(data, marks, side)}).values()
    print(f"| {SIDES[0]} px | PNG level 1 (for comparison) | {p50:.1f} ({p90:.1f}) |")


def _enlarged(
    original: Image.Image, faces: Sequence[SampleFace], longer: int
) -> tuple[bytes, list[Mark]]:
    """The sample resized to `longer` px on its longer side as a q90 JPEG, and its marks."""
    scale = longer / max(original.size)
    image = original.resize((round(original.width * scale), round(original.height * scale)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    marks = [
        Mark(tuple(round(v * scale) for v in face.box), n, face.emotion, face.emotion)
        for n, face in enumerate(faces, start=1)
    ]
    return buffer.getvalue(), marks


def _annotate_at(revision: str) -> Annotate:
    """`annotate` from bot/annotation.py as it was at `revision` (importing today's other
    modules), loaded beside today's."""
    source = subprocess.run(
        ["git", "show", f"{revision}:bot/annotation.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(f"annotation_at_{revision}")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:bot/annotation.py", "exec"), module.__dict__)
    return module.annotate


def _call(
    way: Annotate, data: bytes, marks: list[Mark], limits: ImageSettings, side: int
) -> Callable[[], object]:
    return lambda: way(data, marks, limits, side)


def _as_png(data: bytes, marks: list[Mark], side: int) -> None:
    small = Image.open(io.BytesIO(data)).convert("RGB")
    scale = side / small.width
    small = small.resize((side, round(small.height * scale)))
    draw_marks(small, marks, scale)
    small.save(io.BytesIO(), format="PNG", compress_level=1)


def _times_side_by_side(works: dict[str, Callable[[], object]]) -> dict[str, tuple[float, float]]:
    """p50 and p90 ms of each work, run in turn, one run each per round, after one unmeasured
    round (the font loads once per process)."""
    for work in works.values():
        work()
    spent: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(RUNS):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            spent[name].append((time.perf_counter() - started) * 1000)
    return {
        name: (statistics.median(ms), statistics.quantiles(ms, n=10)[-1])
        for name, ms in spent.items()
    }


if __name__ == "__main__":
    main()
