"""Dataset images turned into the engine's face crops, once, as uint8 tensors kept in memory."""

import logging
from collections import Counter
from dataclasses import dataclass

import torch
from PIL import Image
from tqdm import tqdm

from fer_engine.cnn import resize_crop
from fer_engine.errors import BadImage
from fer_engine.faces import WholeImageDetector, square_crop
from fer_engine.train.datasets import DatasetSplit, LabelledImage
from fer_engine.train.errors import NoReadableImages

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FacePixels:
    """Crops of one split: (n, 3, size, size) uint8, labels, and what could not be read."""

    pixels: torch.Tensor
    labels: torch.Tensor
    skipped: dict[str, int]


def face_crop(image: LabelledImage, margin: float) -> Image.Image:
    """The square crop the engine cuts from an aligned face picture (detector `whole_image`)."""
    picture = image.open()
    (box,) = WholeImageDetector().detect(picture)
    return square_crop(picture, box, margin)


def load_face_pixels(
    split: DatasetSplit, input_size: int, margin: float, desc: str, grey: bool = False
) -> FacePixels:
    """Every image of `split` cropped and resized (grey for nets that read grey faces);
    unreadable ones are skipped and counted."""
    crops: list[torch.Tensor] = []
    labels: list[int] = []
    skipped: Counter[str] = Counter(split.skipped)
    for image in tqdm(split.images, desc=desc, unit="img", mininterval=5):
        try:
            crops.append(resize_crop(face_crop(image, margin), input_size, grey))
        except (BadImage, OSError) as exc:
            log.info("skipping %s: %s", image.name, exc)
            skipped["unreadable image"] += 1
            continue
        labels.append(image.label)
    if not crops:
        raise NoReadableImages(f"no readable images in {desc}")
    return FacePixels(torch.stack(crops), torch.tensor(labels), dict(skipped))
