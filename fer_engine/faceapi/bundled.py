"""Where the bundled face-api models live inside the package, and how they load."""

from pathlib import Path

import torch

from fer_engine.faceapi.expression_net import ExpressionFeatures
from fer_engine.faceapi.ssd_mobilenet import SsdMobilenetV1
from fer_engine.faceapi.weights import load_quantized
from fer_engine.settings import CropKind

WEIGHTS = Path(__file__).parents[1] / "weights"
SSD_WEIGHTS = WEIGHTS / "ssd_mobilenetv1.safetensors"
EXPRESSION_WEIGHTS = WEIGHTS / "faceapi_expression.safetensors"
EXPRESSION_HEAD = WEIGHTS / "expression_head"


def load_ssd(device: torch.device, path: Path = SSD_WEIGHTS) -> SsdMobilenetV1:
    """The SSD MobileNetV1 face detector, in eval mode on `device`."""
    model = SsdMobilenetV1()
    model.load_state_dict(load_quantized(path))
    return model.eval().to(device)


def load_expression_features(
    token_grid: int, path: Path = EXPRESSION_WEIGHTS, crop: CropKind = "box"
) -> ExpressionFeatures:
    """The expression net's feature extractor (its classifier is the bundled head)."""
    model = ExpressionFeatures(token_grid, crop)
    model.load_state_dict(load_quantized(path))
    return model.eval()
