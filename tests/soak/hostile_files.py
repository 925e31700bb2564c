"""A corpus of hostile and odd files, generated in memory (no binary is committed): every case
of the image intake's own tests, then polyglots, bombs, formats we do not read, a 0-byte file,
a 19.9 MB noise JPEG, a huge EXIF block and files whose MIME type lies."""

import io
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image

from tests.images import (
    EXIF_ORIENTATION,
    ROTATED_90_CW,
    animated_gif,
    encode,
    exif_rotated_face,
    face,
    noise,
    png_header_claiming,
)

NEARLY_20_MB = 19_900_000
_EXIF_USER_COMMENT = 0x9286
_JPEG_END = b"\xff\xd9"


@dataclass(frozen=True)
class HostileFile:
    """A file someone sends: `mime` is the type their client claims (None: none at all)."""

    name: str
    filename: str
    mime: str | None
    make: Callable[[], bytes]


def _noise_jpeg_of(size: int) -> bytes:
    """A JPEG of random pixels that is `size` bytes: the pixels nearly fill it, the rest is
    bytes after its end marker, which decoders skip."""
    side = 3000
    data = encode(noise(11, (side, side)), "JPEG", quality=100)
    while len(data) > size:
        side -= 100
        data = encode(noise(11, (side, side)), "JPEG", quality=100)
    return data + b"\x00" * (size - len(data))


def _huge_exif() -> bytes:
    """A JPEG whose EXIF block is as large as a JPEG segment allows (64 kB of comment)."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    exif[_EXIF_USER_COMMENT] = "A" * 65_000
    return encode(face(), "JPEG", exif=exif.tobytes()[:65_500])


def _broken_exif() -> bytes:
    """A JPEG with an EXIF segment that is garbage past its header."""
    data = encode(face(), "JPEG")
    segment = b"Exif\x00\x00II*\x00" + b"\xff" * 200
    app1 = b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment
    return data[:2] + app1 + data[2:]


def _zip_bomb() -> bytes:
    """A zip of 200 MB of zeros (a few hundred kB on the wire), to be sent named .png."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\x00" * 200_000_000)
    return buffer.getvalue()


def _png_bomb() -> bytes:
    """A real PNG of 12000 x 12000 black pixels: a few hundred kB that decode to 432 MB."""
    image = Image.new("1", (12_000, 12_000))
    return encode(image, "PNG", optimize=True)


def _gif_javascript_polyglot() -> bytes:
    """GIF89a whose header is also the start of a JavaScript statement (the GIFAR family)."""
    gif = encode(Image.new("P", (8, 8)), "GIF")
    return gif[:6] + b"/*" + gif[8:] + b"*/=1;alert('x');"


def _jpeg_zip_polyglot() -> bytes:
    """A valid JPEG with a zip archive after its end: opens as both."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hello from inside a picture")
    return encode(face(), "JPEG") + buffer.getvalue()


def _pdf_jpeg_polyglot() -> bytes:
    """A PDF header in front of a JPEG."""
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + encode(face(), "JPEG")


def _html_in_png() -> bytes:
    """A PNG carrying a <script> in a text chunk."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(document.cookie)</script>")
    return encode(noise(12), "PNG", pnginfo=info)


def _svg() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><text>&x;</text></svg>"
    )


def _heic() -> bytes:
    """The first box of an HEIC file (ftyp heic) and some of what follows."""
    ftyp = b"ftypheic\x00\x00\x00\x00mif1heicmiaf"
    return (len(ftyp) + 4).to_bytes(4, "big") + ftyp + bytes(range(256)) * 16


def _truncated_jpeg() -> bytes:
    whole = encode(noise(2, (200, 200)), "JPEG")
    return whole[: len(whole) // 2]


def _cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG")


def _sixteen_bit_png() -> bytes:
    gradient = np.tile(np.linspace(0, 65535, 64, dtype=np.uint16), (8, 1))
    return encode(Image.fromarray(gradient), "PNG")


def _palette_png_with_transparency() -> bytes:
    palette = Image.new("P", (8, 8), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    return encode(palette, "PNG", transparency=0)


CORPUS: tuple[HostileFile, ...] = (
    # The image intake's own cases (tests/fer_engine/test_image_intake.py).
    *(
        HostileFile(
            f"{fmt.lower()} noise",
            f"noise.{fmt.lower()}",
            f"image/{fmt.lower()}",
            lambda fmt=fmt: encode(noise(1, (40, 30)), fmt),
        )
        for fmt in ("JPEG", "PNG", "WEBP", "BMP", "GIF")
    ),
    HostileFile("empty file", "empty.jpg", "image/jpeg", lambda: b""),
    HostileFile(
        "random bytes", "random.jpg", "image/jpeg", lambda: np.random.default_rng(0).bytes(4096)
    ),
    HostileFile(
        "a letter",
        "letter.png",
        "image/png",
        lambda: b"Dear bot,\nthis is a letter, not a photo.\n" * 20,
    ),
    HostileFile("truncated jpeg", "half.jpg", "image/jpeg", _truncated_jpeg),
    HostileFile("tiff", "scan.tiff", "image/tiff", lambda: encode(noise(3), "TIFF")),
    HostileFile(
        "header claiming 50000x50000",
        "huge.png",
        "image/png",
        lambda: png_header_claiming(50_000, 50_000),
    ),
    HostileFile(
        "one pixel", "dot.png", "image/png", lambda: encode(Image.new("RGB", (1, 1), "red"), "PNG")
    ),
    HostileFile(
        "animated gif", "anim.gif", "image/gif", lambda: animated_gif((255, 0, 0), (0, 0, 255))
    ),
    HostileFile("cmyk jpeg", "cmyk.jpg", "image/jpeg", _cmyk_jpeg),
    HostileFile("16-bit png", "deep.png", "image/png", _sixteen_bit_png),
    HostileFile(
        "transparent png",
        "clear.png",
        "image/png",
        lambda: encode(Image.new("RGBA", (8, 8), (0, 0, 0, 0)), "PNG"),
    ),
    HostileFile(
        "palette png with transparency", "palette.png", "image/png", _palette_png_with_transparency
    ),
    HostileFile("exif-rotated face", "rotated.jpg", "image/jpeg", exif_rotated_face),
    # Beyond the intake's tests.
    HostileFile("0-byte document", "nothing", None, lambda: b""),
    HostileFile(
        "19.9 MB noise jpeg", "big.jpg", "image/jpeg", lambda: _noise_jpeg_of(NEARLY_20_MB)
    ),
    HostileFile("huge exif", "exif.jpg", "image/jpeg", _huge_exif),
    HostileFile("broken exif", "badexif.jpg", "image/jpeg", _broken_exif),
    HostileFile("zip bomb named .png", "bomb.png", "image/png", _zip_bomb),
    HostileFile("png decompression bomb", "black.png", "image/png", _png_bomb),
    HostileFile("gif/javascript polyglot", "poly.gif", "image/gif", _gif_javascript_polyglot),
    HostileFile("jpeg/zip polyglot", "poly.jpg", "image/jpeg", _jpeg_zip_polyglot),
    HostileFile("pdf/jpeg polyglot", "poly.pdf.jpg", "image/jpeg", _pdf_jpeg_polyglot),
    HostileFile("script in png text", "script.png", "image/png", _html_in_png),
    HostileFile("svg with entities", "vector.svg", "image/svg+xml", _svg),
    HostileFile("heic", "phone.heic", "image/heic", _heic),
    HostileFile(
        "png labelled jpeg", "mislabelled.jpg", "image/jpeg", lambda: encode(noise(13), "PNG")
    ),
    HostileFile(
        "jpeg labelled pdf", "picture.pdf", "application/pdf", lambda: encode(face(), "JPEG")
    ),
    HostileFile("text labelled png", "notes.png", "image/png", lambda: b"just some words"),
    HostileFile("jpeg labelled video", "clip.mp4", "video/mp4", lambda: encode(face(), "JPEG")),
    HostileFile(
        "zlib stream labelled png",
        "stream.png",
        "image/png",
        lambda: zlib.compress(b"\x00" * 1_000_000),
    ),
    HostileFile("jpeg end marker only", "end.jpg", "image/jpeg", lambda: _JPEG_END),
)
