"""Copy a `ferbot train cnn` run into the package as a named engine checkpoint.

    python scripts/ship_checkpoint.py runs/fer2013-resnet18 fer2013-resnet18

The CNN's floating-point weights are stored as float16 (half the size in git and in the
wheel; the engine loads them into its float32 model, and `ferbot eval --checkpoint` on the
shipped folder is what BENCHMARKS.md reports). The head and its metadata are copied as they
are. `engine.head.checkpoint = "NAME"` then selects it.
"""

import argparse
import shutil
from pathlib import Path

from safetensors.torch import load_file, save_file

from fer_engine.checkpoints import CNN_WEIGHTS_FILE, METADATA_FILE, WEIGHTS_FILE
from fer_engine.faceapi.bundled import WEIGHTS


def ship(run: Path, name: str) -> Path:
    """`run`'s checkpoint as fer_engine/weights/`name`, CNN weights in float16."""
    target = WEIGHTS / name
    target.mkdir(parents=True, exist_ok=True)
    state = load_file(run / CNN_WEIGHTS_FILE)
    half = {
        key: value.half() if value.is_floating_point() else value for key, value in state.items()
    }
    save_file(half, target / CNN_WEIGHTS_FILE)
    for file in (WEIGHTS_FILE, METADATA_FILE):
        shutil.copyfile(run / file, target / file)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a `ferbot train cnn` output folder")
    parser.add_argument("name", help="the checkpoint's name under fer_engine/weights/")
    args = parser.parse_args()
    print(ship(args.run, args.name))


if __name__ == "__main__":
    main()
