"""The photo with every face boxed, numbered and labelled: what the bot sends back for a group
photo, and what the operators' "try it" page shows.

Everything scales with the photo (the line, the font, the labels), so a label reads the same
on a 400 px selfie as on a 1920 px group photo. Each label sits on its own face's box, inside
the photo, and never on another label: in a group, the numbers are the point. The photo is
drawn in memory, and only the drawing leaves; nothing is written anywhere.
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from bot.charts import COLOURS, hangul_font_path
from fer_engine.image_intake import decode_reduced
from fer_engine.settings import ImageSettings

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels
# The line and the font as shares of the photo's longer side.
_LINE_SHARE = 1 / 320
_FONT_SHARE = 1 / 40
_MIN_FONT_PX = 12
_TEXT_COLOUR = "#111111"
_UNSURE_COLOUR = "#ffffff"
# JPEG: a photo is a photo. At 1280 px it encodes in ~3 ms to ~120 kB, where a PNG takes
# ~50 ms and ~900 kB (BENCHMARKS.md); the platforms re-encode pictures as JPEG anyway.
_JPEG_QUALITY = 85


@dataclass(frozen=True)
class Mark:
    """One face to draw: its box (x, y, width, height) in the upright photo's pixels, its
    number, the words on its label and the emotion whose colour it wears (None: unsure)."""

    box: tuple[int, int, int, int]
    number: int
    words: str
    emotion: str | None


@dataclass(frozen=True)
class Drawing:
    """A drawn photo: the JPEG, and where each face's box and label went (in its pixels)."""

    jpeg: bytes
    size: tuple[int, int]
    boxes: tuple[Box, ...]
    labels: tuple[Box, ...]


def annotate(data: bytes, marks: Sequence[Mark], limits: ImageSettings, max_side: int) -> Drawing:
    """The photo in `data`, upright and scaled down to at most `max_side`, with `marks` drawn
    on it. Reads the photo as the engine did, so the boxes fall where the faces are; drawn
    after scaling, so lines and letters are as sharp as the pixels allow."""
    image, decoded = decode_reduced(data, limits, max_side)
    fit = min(1.0, max_side / max(image.size))
    if fit < 1.0:
        image = _shrunk(image, fit)
    boxes, labels = draw_marks(image, marks, decoded * fit)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=_JPEG_QUALITY)
    return Drawing(buffer.getvalue(), image.size, boxes, labels)


def draw_marks(
    image: Image.Image, marks: Sequence[Mark], scale: float = 1.0
) -> tuple[tuple[Box, ...], tuple[Box, ...]]:
    """Draw `marks` (boxes in pixels of the photo before `scale`) onto `image`; returns the
    boxes and labels as drawn."""
    longer = max(image.size)
    line = max(1, round(longer * _LINE_SHARE))
    font = _font(max(_MIN_FONT_PX, round(longer * _FONT_SHARE)))
    boxes = [_scaled(mark.box, scale, image.size) for mark in marks]
    pad = max(2, font.size // 5)
    sizes = [_label_size(font, f"{mark.number} {mark.words}", pad) for mark in marks]
    labels = place_labels(image.size, boxes, sizes)
    draw = ImageDraw.Draw(image)
    for mark, box, label in zip(marks, boxes, labels, strict=True):
        colour = COLOURS[mark.emotion] if mark.emotion else _UNSURE_COLOUR
        draw.rectangle(box, outline=colour, width=line)
        draw.rectangle(label, fill=colour, outline=_TEXT_COLOUR, width=max(1, line // 2))
        draw.text(
            (label[0] + pad, label[1] + pad),
            f"{mark.number} {mark.words}",
            fill=_TEXT_COLOUR,
            font=font,
        )
    return tuple(boxes), labels


def place_labels(
    size: tuple[int, int], boxes: Sequence[Box], sizes: Sequence[tuple[int, int]]
) -> tuple[Box, ...]:
    """A label per box, of the given (width, height): touching its own box, inside the
    photo, overlapping no label placed before it.

    Left to right (faces are numbered so), each label takes the first free spot among: above
    the box, inside its top, below it, inside its bottom, each from the box's left edge
    sliding right. Spots over another face come last: a label there hides a face, not a
    number. Only when nothing is free anywhere does a label overlap another (a photo with
    more faces than room for labels); it still stays on its own box.
    """
    placed: list[Box] = []
    order = sorted(range(len(boxes)), key=lambda index: boxes[index][0])
    chosen: dict[int, Box] = {}
    for index in order:
        spots = list(_spots(size, boxes[index], sizes[index]))
        free = [spot for spot in spots if not any(_overlap(spot, other) for other in placed)]
        clear = [
            spot
            for spot in free
            if not any(_overlap(spot, box) for other, box in enumerate(boxes) if other != index)
        ]
        spot = (clear or free or spots)[0]
        placed.append(spot)
        chosen[index] = spot
    return tuple(chosen[index] for index in range(len(boxes)))


def _spots(size: tuple[int, int], box: Box, label: tuple[int, int]) -> Iterable[Box]:
    """Places for a label of `label` size touching `box`, clamped into the photo."""
    width, height = min(label[0], size[0]), min(label[1], size[1])
    left, top, right, bottom = box
    rows = (top - height, top, bottom, bottom - height)
    steps = 8
    span = max(0, right - left - width)
    for y in rows:
        for step in range(steps + 1):
            x = left + span * step // steps
            x = min(max(0, x), size[0] - width)
            y_in = min(max(0, y), size[1] - height)
            spot = (x, y_in, x + width, y_in + height)
            if _overlap(spot, box, touching=True):
                yield spot


def _overlap(a: Box, b: Box, touching: bool = False) -> bool:
    """Whether two rectangles share area (or, `touching`, at least an edge)."""
    if touching:
        return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _shrunk(image: Image.Image, fit: float) -> Image.Image:
    """`image` scaled by `fit` (< 1): averaged by whole pixels (`Image.reduce`) to within
    twice the size, then OpenCV's bilinear interpolation for the rest. Under a factor of two
    every pixel still weighs in, so the photo looks as smooth as with Pillow's filtered
    resize, at a third of the cost of what was most of the drawing's time (BENCHMARKS.md)."""
    size = (max(1, round(image.width * fit)), max(1, round(image.height * fit)))
    factor = min(image.width // size[0], image.height // size[1])
    if factor >= 2:
        image = image.reduce(factor)
    return Image.fromarray(cv2.resize(np.asarray(image), size, interpolation=cv2.INTER_LINEAR))


def _scaled(box: tuple[int, int, int, int], scale: float, size: tuple[int, int]) -> Box:
    x, y, w, h = box
    left, top = max(0, round(x * scale)), max(0, round(y * scale))
    right = min(size[0] - 1, round((x + w) * scale))
    bottom = min(size[1] - 1, round((y + h) * scale))
    return left, top, max(left, right), max(top, bottom)


def _label_size(font: ImageFont.FreeTypeFont, text: str, pad: int) -> tuple[int, int]:
    left, _, right, _ = font.getbbox(text)
    ascent, descent = font.getmetrics()
    return right - left + 2 * pad, ascent + descent + 2 * pad


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The charts' NanumGothic (Hangul and Latin), or Pillow's own font without it."""
    path = hangul_font_path()
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(path), size)
