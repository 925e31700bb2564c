"""What the engine answers: every face in a photo with its emotion, probabilities and caption."""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Face:
    """One face. `box` is (x, y, width, height) in the upright photo's pixels."""

    box: tuple[int, int, int, int]
    emotion: str
    confidence: float
    probs: Mapping[str, float]
    caption: str | None
    landmarks: tuple[tuple[float, float], ...] | None = None


@dataclass(frozen=True)
class Analysis:
    """A photo's faces, numbered left to right, and how they were computed.

    `timings` holds seconds per stage; model stages are those of the batch this photo rode in.
    """

    faces: tuple[Face, ...]
    image_size: tuple[int, int]
    model_version: str
    timings: Mapping[str, float]
    faces_found: int = 0  # before keeping the `max_faces` largest
