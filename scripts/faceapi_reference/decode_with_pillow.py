"""Decode JPEGs with Pillow into raw RGB files for run.js.

Usage: decode_with_pillow.py INPUT_DIR OUTPUT_DIR

For every ``*.jpg`` in INPUT_DIR (sorted by name) writes
``OUTPUT_DIR/<name>.rgb`` (height*width*3 bytes, row-major, RGB) and one
``OUTPUT_DIR/manifest.json`` listing name, width, height, file names and the
Pillow version. Decoding is ``Image.open(p).convert("RGB")`` -- exactly what the
Python port does -- so face-api sees the same pixels as the port. No EXIF
transpose is applied; the script refuses images whose EXIF orientation is set
to anything other than 1, since a port would have to agree on how to handle it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import PIL
from PIL import Image

ORIENTATION_TAG = 0x0112


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst = Path(argv[1]), Path(argv[2])
    dst.mkdir(parents=True, exist_ok=True)
    images = []
    for path in sorted(src.glob("*.jpg")):
        with Image.open(path) as im:
            orientation = im.getexif().get(ORIENTATION_TAG)
            if orientation not in (None, 1):
                raise SystemExit(f"{path}: EXIF orientation {orientation} is not handled")
            rgb = im.convert("RGB")
        raw = rgb.tobytes()
        assert len(raw) == rgb.width * rgb.height * 3
        out = dst / (path.name + ".rgb")
        out.write_bytes(raw)
        images.append(
            {
                "name": path.name,
                "width": rgb.width,
                "height": rgb.height,
                "raw": out.name,
                "jpeg_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "rgb_sha256": hashlib.sha256(raw).hexdigest(),
            }
        )
        print(f"decoded {path.name}: {rgb.width}x{rgb.height}", file=sys.stderr)
    if not images:
        raise SystemExit(f"no *.jpg files in {src}")
    manifest = {"decoder": "Pillow", "pillow_version": PIL.__version__, "images": images}
    (dst / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
