"""A CNN and the head that reads it: the engine's classifier, or one member of its ensemble.

Each member crops a face its own way (face-api's framing, fer's padded box, a 48 px grey
square), so a member carries what its crop needs; the pipeline averages the members'
calibrated probabilities.
"""

from dataclasses import dataclass

import torch
from PIL import Image

from fer_engine.checkpoints import LoadedHead
from fer_engine.cnn import CnnBranch
from fer_engine.faces import FaceBox


@dataclass(frozen=True)
class Classifier:
    """One CNN, its head, and the crop margin and input size they were trained at."""

    cnn: CnnBranch
    head: LoadedHead
    margin: float
    input_size: int

    @property
    def uses_text(self) -> bool:
        return self.head.metadata.spec.uses_text

    def preprocess(self, image: Image.Image, box: FaceBox) -> torch.Tensor:
        """The face as this member's CNN reads it."""
        return self.cnn.preprocess(image, box, self.margin)

    def probabilities(self, logits: torch.Tensor) -> torch.Tensor:
        """The head's logits as calibrated probabilities (its fitted temperature applied)."""
        return torch.softmax(logits.float() / self.head.metadata.temperature, dim=-1)

    def problems(self) -> list[str]:
        """How the head does not fit this CNN: architecture, input size, feature sizes."""
        meta, spec, cnn = self.head.metadata, self.head.metadata.spec, self.cnn
        problems = []
        if meta.cnn_arch != cnn.arch:
            problems.append(f"head trained on {meta.cnn_arch}, engine.cnn.arch is {cnn.arch}")
        if meta.cnn_input_size != self.input_size:
            problems.append(
                f"head trained at input size {meta.cnn_input_size}, "
                f"engine.cnn.input_size is {self.input_size}"
            )
        if (spec.image_dim, spec.image_token_dim) != (cnn.pooled_dim, cnn.token_dim):
            problems.append(
                f"head expects CNN features {spec.image_dim}/{spec.image_token_dim}, "
                f"the CNN gives {cnn.pooled_dim}/{cnn.token_dim}"
            )
        return problems


def pooled(probabilities: list[torch.Tensor], temperature: float) -> torch.Tensor:
    """The members' mean probability, calibrated as a whole: its logarithm divided by the
    ensemble's `temperature` before the softmax. One member's probabilities pass unchanged."""
    if len(probabilities) == 1:
        return probabilities[0]
    mean = torch.stack(probabilities).mean(dim=0)
    return torch.softmax(mean.clamp_min(1e-12).log() / temperature, dim=-1)
