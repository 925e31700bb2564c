"""Draw face-api's six sample photos as the bot answers a group photo (faces as face-api found
them, labels in Korean) into docs/annotated-<name>.png, for the README.

    PYTHONPATH=. python scripts/draw_faceapi_samples.py

They are drawn at 900 px (labels scale with the photo, so they read as in the bot's 1280 px)
and kept as 64-colour PNGs, dithered: the six weigh about 1.2 MB in the repository, where
full-colour 1280 px PNGs of the bot's JPEGs weighed 7 MB.
"""

import io
from pathlib import Path

from PIL import Image

from bot.annotation import Mark, annotate
from bot.texts import Texts
from fer_engine.settings import ImageSettings
from tests.faceapi_samples import faceapi_samples

DOCS = Path(__file__).parents[1] / "docs"
SIDE = 900
COLOURS = 64


def main() -> None:
    korean = Texts("ko")
    for sample in faceapi_samples():
        marks = [
            Mark(face.box, number, korean.emotion(face.emotion), face.emotion)
            for number, face in enumerate(sample.faces, start=1)
        ]
        drawing = annotate(sample.path.read_bytes(), marks, ImageSettings(), SIDE)
        target = DOCS / f"annotated-{Path(sample.name).stem}.png"
        _few_colours(Image.open(io.BytesIO(drawing.jpeg))).save(target, optimize=True)
        print(target)


def _few_colours(image: Image.Image) -> Image.Image:
    """`image` on a palette of `COLOURS`, dithered so skin and sky keep their gradients
    (Pillow dithers only onto a palette given to it, hence the two steps)."""
    palette = image.quantize(COLOURS, method=Image.Quantize.FASTOCTREE)
    return image.quantize(palette=palette, dither=Image.Dither.FLOYDSTEINBERG)


if __name__ == "__main__":
    main()
