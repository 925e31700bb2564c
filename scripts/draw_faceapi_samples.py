"""Draw face-api's six sample photos as the bot answers a group photo (faces as face-api found
them, labels in Korean) into docs/annotated-<name>.png, for the README.

    PYTHONPATH=. python scripts/draw_faceapi_samples.py
"""

import io
from pathlib import Path

from PIL import Image

from bot.annotation import Mark, annotate
from bot.settings import BotSettings
from bot.texts import Texts
from fer_engine.settings import ImageSettings
from tests.faceapi_samples import faceapi_samples

DOCS = Path(__file__).parents[1] / "docs"


def main() -> None:
    korean = Texts("ko")
    for sample in faceapi_samples():
        marks = [
            Mark(face.box, number, korean.emotion(face.emotion), face.emotion)
            for number, face in enumerate(sample.faces, start=1)
        ]
        drawing = annotate(
            sample.path.read_bytes(), marks, ImageSettings(), BotSettings().annotate_max_side
        )
        target = DOCS / f"annotated-{Path(sample.name).stem}.png"
        Image.open(io.BytesIO(drawing.jpeg)).save(target, optimize=True)
        print(target)


if __name__ == "__main__":
    main()
