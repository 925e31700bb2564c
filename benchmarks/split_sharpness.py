"""How sharp the faces of each split are, and the blur that makes one split look like another.

    python -m benchmarks.split_sharpness ../shared/datasets/fer2013 --layout fer2013

A network learns the detail its training faces have. If the training split is blurrier than
the faces it is scored on (or will serve), scores drop for a reason that is no fault of the
architecture. Sharpness here is the mean absolute difference between horizontally adjacent
grey pixels at the CNN's input size; the matching blur is the Gaussian sigma (as the engine
applies it, `engine.cnn.blur_sigma`) that brings the validation split's sharpness down to the
training split's. Prints one markdown table.
"""

import argparse
import random
from pathlib import Path

import torch

from fer_engine.cnn import preprocess_crop
from fer_engine.train.datasets import LAYOUTS, LabelledImage, load_split
from fer_engine.train.face_pixels import face_crop

SIGMAS = [step / 4 for step in range(0, 21)]


def sharpness(images: list[LabelledImage], size: int, sigma: float) -> float:
    """Mean |horizontal gradient| of the grey crops, in normalised units, after the blur."""
    total = 0.0
    for image in images:
        pixels = preprocess_crop(face_crop(image, 0.0), size, sigma).mean(dim=0)
        total += (pixels[:, 1:] - pixels[:, :-1]).abs().mean().item()
    return total / len(images)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--layout", choices=LAYOUTS, default="fer2013")
    parser.add_argument("--input-size", type=int, default=48)
    parser.add_argument("--sample", type=int, default=500, help="images per split")
    args = parser.parse_args()
    torch.set_num_threads(1)
    chosen = {}
    for split in ("train", "val"):
        images = load_split(args.data, args.layout, split).images
        chosen[split] = random.Random(0).sample(images, args.sample)
    train = sharpness(chosen["train"], args.input_size, 0.0)
    val = {sigma: sharpness(chosen["val"], args.input_size, sigma) for sigma in SIGMAS}
    matching = min(SIGMAS, key=lambda sigma: abs(val[sigma] - train))
    print("| split | images sampled | sharpness | val blurred by the matching sigma |")
    print("|---|---|---|---|")
    print(f"| train | {args.sample} | {train:.4f} | |")
    print(f"| val | {args.sample} | {val[0.0]:.4f} | sigma {matching}: {val[matching]:.4f} |")


if __name__ == "__main__":
    main()
