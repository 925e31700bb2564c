"""Drawing a photo's faces and encoding it, as the bot does for a group photo: face-api's
sample5.jpg (5 faces; enlarged to 1920 px on its longer side if smaller) decoded, scaled to
1280 px, boxed, labelled and encoded as JPEG; and, beside it, the same drawing encoded as PNG.

    PYTHONPATH=. python -m benchmarks.annotation_bench
"""

import io
import statistics
import time

from PIL import Image

from bot.annotation import Mark, annotate, draw_marks
from bot.settings import BotSettings
from fer_engine.settings import ImageSettings
from tests.faceapi_samples import faceapi_samples

RUNS = 60
SIDE = 1920


def main() -> None:
    sample = next(s for s in faceapi_samples() if len(s.faces) == 5)
    image = Image.open(sample.path).convert("RGB")
    scale = SIDE / max(image.size)
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    marks = [
        Mark(tuple(round(v * scale) for v in face.box), n, face.emotion, face.emotion)
        for n, face in enumerate(sample.faces, start=1)
    ]
    side = BotSettings().annotate_max_side
    limits = ImageSettings()
    annotate(data, marks, limits, side)  # the font loads once per process
    jpeg = _times(lambda: annotate(data, marks, limits, side))

    def as_png() -> None:
        small = Image.open(io.BytesIO(data)).convert("RGB")
        small = small.resize((side, round(small.height * side / small.width)))
        draw_marks(small, marks, side / SIDE)
        small.save(io.BytesIO(), format="PNG", compress_level=1)

    png = _times(as_png)
    size = len(annotate(data, marks, limits, side).jpeg)
    print(f"photo {image.width}x{image.height}, 5 faces, drawn at {side} px, {RUNS} runs")
    print("| output | p50 ms | p90 ms |")
    print("|---|---|---|")
    print(f"| JPEG q85 ({size // 1000} kB; what the bot sends) | {jpeg[0]:.1f} | {jpeg[1]:.1f} |")
    print(f"| PNG level 1 (for comparison) | {png[0]:.1f} | {png[1]:.1f} |")


def _times(work) -> tuple[float, float]:
    spent = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        spent.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(spent, n=10)
    return statistics.median(spent), cuts[-1]


if __name__ == "__main__":
    main()
