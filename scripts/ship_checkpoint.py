"""Copy a `ferbot train cnn` run into the package as a named engine checkpoint.

    python scripts/ship_checkpoint.py runs/fer2013-fer_vgg32 fer2013-fer_vgg

The CNN is stored in float16, its metadata as it is (see `fer_engine.train.shipping`).
`engine.head.checkpoint = "NAME"` then selects it.
"""

import argparse
from pathlib import Path

from fer_engine.faceapi.bundled import WEIGHTS
from fer_engine.train.shipping import ship_checkpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a `ferbot train cnn` output folder")
    parser.add_argument("name", help="the checkpoint's name under fer_engine/weights/")
    args = parser.parse_args()
    print(ship_checkpoint(args.run, WEIGHTS / args.name))


if __name__ == "__main__":
    main()
