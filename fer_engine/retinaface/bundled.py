"""Where the bundled RetinaFace weights live inside the package, and how they load."""

from pathlib import Path

import torch
from safetensors.torch import load_file

from fer_engine.retinaface.network import RetinaFace

RETINAFACE_WEIGHTS = Path(__file__).parents[1] / "weights" / "retinaface_mnet025.safetensors"


def load_retinaface(device: torch.device, path: Path = RETINAFACE_WEIGHTS) -> RetinaFace:
    """RetinaFace MobileNet-0.25, in eval mode on `device`."""
    model = RetinaFace()
    model.load_state_dict(load_file(path))
    return model.eval().to(device)
