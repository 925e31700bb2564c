"""Turning untrusted bytes into an upright RGB picture, refusing what is too big before decoding."""

import io
import logging
import math
import warnings

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from fer_engine.errors import BadImage
from fer_engine.settings import ImageSettings

log = logging.getLogger(__name__)

# MPO is what many phones write: a JPEG with extra frames. The rest are the formats we promise.
ACCEPTED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "BMP", "GIF"})
# libjpeg can decode straight to 1/2, 1/4 or 1/8 of the size, skipping most of the work.
_DCT_SCALED_FORMATS = frozenset({"JPEG", "MPO"})

_TRANSPARENT_BACKGROUND = (255, 255, 255)


def decode_image(data: bytes, limits: ImageSettings) -> Image.Image:
    """Decode `data` into an RGB image with its EXIF orientation applied.

    Size limits are checked from the header, before any pixel is decoded, so a small file
    claiming gigapixels costs nothing. Every refusal is a `BadImage` whose reason the bot
    words for the person.
    """
    return _decode(data, limits, None)[0]


def decode_reduced(data: bytes, limits: ImageSettings, side: int) -> tuple[Image.Image, float]:
    """`decode_image` for a caller that scales the picture down to `side` (its longer side)
    anyway: a JPEG at least twice that is decoded at the smallest DCT scale (1/2, 1/4, 1/8)
    still holding `side` pixels, a fraction of the work of decoding every pixel, and leaving
    less to resample. Returns the picture and its scale against the photo's own pixels (1.0
    when decoded whole), so that boxes found on the photo can be placed on it."""
    return _decode(data, limits, side)


def _decode(data: bytes, limits: ImageSettings, side: int | None) -> tuple[Image.Image, float]:
    if not data:
        raise BadImage("empty")
    if len(data) > limits.max_bytes:
        raise BadImage("too_many_bytes", f"{len(data)} bytes, the limit is {limits.max_bytes}")
    image = _open_header(data, limits)
    width = image.width
    try:
        image.seek(0)  # GIF and MPO: the first frame only
        if side is not None and image.format in _DCT_SCALED_FORMATS and max(image.size) >= 2 * side:
            fit = side / max(image.size)
            image.draft("RGB", (math.ceil(image.width * fit), math.ceil(image.height * fit)))
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        log.info("refused a damaged %s picture: %s", image.format, exc)
        raise BadImage("damaged") from exc
    return _to_rgb(_upright(image)), image.width / width


def _open_header(data: bytes, limits: ImageSettings) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns at sizes our tighter limit already refuses.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise BadImage("too_many_pixels", _pixel_limit(limits)) from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
            raise BadImage("not_a_picture") from exc
    if image.format not in ACCEPTED_FORMATS:
        raise BadImage("wrong_format", f"{image.format} is not read")
    width, height = image.size
    if width < 1 or height < 1:
        raise BadImage("not_a_picture")
    if width * height > limits.max_pixels:
        raise BadImage("too_many_pixels", f"{width}x{height}, {_pixel_limit(limits)}")
    return image


def _pixel_limit(limits: ImageSettings) -> str:
    return f"the limit is {limits.max_pixels} pixels"


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except Exception as exc:  # a broken EXIF block must not cost the person their answer
        log.info("ignored unreadable EXIF orientation: %s", exc)
        return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode.startswith("I"):
        # 16-bit PNGs open as I;16 or I; Pillow's own conversion clips them to white.
        pixels = np.asarray(image, dtype=np.float32) / 257.0
        gray = np.clip(pixels, 0, 255).astype(np.uint8)
        return Image.fromarray(gray).convert("RGB")
    if image.mode == "P":
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*_TRANSPARENT_BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
