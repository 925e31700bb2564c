"""Pictures for tests, made in memory: every format and oddity the intake must handle."""

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

DATA = Path(__file__).parent / "data"
FACE_JPEG = DATA / "face.jpg"  # one frontal face, found by the Haar detector when upright
GROUP_JPEG = DATA.parents[1] / "samples" / "three-friends.jpg"  # three frontal faces
EXIF_ORIENTATION = 0x0112
ROTATED_90_CW = 6  # "rotate 90 degrees clockwise to display"
# Pictures without a human face that ship with scikit-image (two cats, coffee, a rocket, a star
# field, a tissue stain): every face a detector finds in them is a false alarm.
NO_FACE_PICTURES = (
    "chelsea",
    "cat",
    "coffee",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def noise(seed: int, size: tuple[int, int] = (48, 48)) -> Image.Image:
    """A distinct random RGB picture per seed."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def no_face_picture(name: str) -> Image.Image:
    """One of `NO_FACE_PICTURES`, in RGB. scikit-image is imported here, not above, so the
    many tests that never look at these pictures do not load it."""
    import skimage.data

    return Image.fromarray(np.asarray(getattr(skimage.data, name)())).convert("RGB")


def face() -> Image.Image:
    return Image.open(FACE_JPEG).convert("RGB")


def close_up() -> Image.Image:
    """The test face cut to the box the SSD finds around it, at realphotos-dev's 350 px: a
    face filling the frame, as in a selfie or a cropped profile picture."""
    return face().crop((85, 93, 249, 285)).resize((350, 350), Image.Resampling.BILINEAR)


def exif_rotated_face() -> bytes:
    """The face photo stored lying on its side, with EXIF saying how to stand it up."""
    stored = face().transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    return encode(stored, "JPEG", exif=exif, quality=92)


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def animated_gif(first: tuple[int, int, int], second: tuple[int, int, int]) -> bytes:
    frames = [Image.new("RGB", (16, 16), first), Image.new("RGB", (16, 16), second)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
