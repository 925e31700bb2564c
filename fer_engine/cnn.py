"""The CNN branch: a torchvision backbone that turns face crops into pooled features and tokens."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch
import torchvision
from PIL import Image
from safetensors.torch import load_file
from torch import nn
from torchvision.transforms.v2 import functional as tvf

from fer_engine.alignment import aligned_crop
from fer_engine.errors import ModelUnavailable
from fer_engine.faceapi.bundled import EXPRESSION_WEIGHTS, load_expression_features
from fer_engine.faceapi.expression_net import ExpressionFeatures
from fer_engine.faces import FaceBox, square_crop
from fer_engine.settings import CnnSettings, CropKind

_WEIGHTS_SETTING = "engine.cnn.weights"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Backbone:
    """How to build one architecture and where its feature map and classifier live."""

    build: Callable[..., nn.Module]
    imagenet_weights: str
    # State-dict prefix of the final classification layer, which a fine-tuned checkpoint
    # trained for 7 classes replaces; everything else must match exactly.
    classifier_prefix: str


BACKBONES: dict[str, Backbone] = {
    "densenet121": Backbone(torchvision.models.densenet121, "DEFAULT", "classifier."),
    "resnet18": Backbone(torchvision.models.resnet18, "DEFAULT", "fc."),
    "vgg16": Backbone(torchvision.models.vgg16, "DEFAULT", "classifier.6."),
}


class CnnFeatures(nn.Module):
    """Pooled features (the study's 1024-d for DenseNet121) and a grid of spatial tokens."""

    def __init__(
        self,
        arch: str,
        model: nn.Module,
        token_grid: int,
        input_size: int,
        blur_sigma: float = 0.0,
        crop: CropKind = "box",
    ) -> None:
        super().__init__()
        self.arch = arch
        self.token_grid = token_grid
        self.input_size = input_size
        self.blur_sigma = blur_sigma
        self.crop: CropKind = crop
        self.model = model
        self.pooled_dim, self.token_dim = self._dims()

    def preprocess(self, image: Image.Image, box: FaceBox, margin: float) -> torch.Tensor:
        """The face as a square crop with `margin` (turned level onto ArcFace's template when
        `crop` is "aligned" and the face has landmarks), resized, low-passed when
        `blur_sigma` says so, and ImageNet-normalised."""
        if self.crop == "aligned" and box.landmarks is not None:
            face = aligned_crop(image, box.landmarks, self.input_size, margin)
        else:
            face = square_crop(image, box, margin)
        return preprocess_crop(face, self.input_size, self.blur_sigma)

    def feature_map(self, pixels: torch.Tensor) -> torch.Tensor:
        if self.arch == "densenet121":
            return torch.relu(self.model.features(pixels))
        if self.arch == "resnet18":
            m = self.model
            x = m.maxpool(m.relu(m.bn1(m.conv1(pixels))))
            return m.layer4(m.layer3(m.layer2(m.layer1(x))))
        return self.model.features(pixels)

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, pooled_dim) features and (batch, token_grid**2, token_dim) tokens."""
        fmap = self.feature_map(pixels)
        tokens = nn.functional.adaptive_avg_pool2d(fmap, self.token_grid).flatten(2).transpose(1, 2)
        if self.arch == "vgg16":
            # VGG's features are its 4096-d penultimate layer, as the study used it.
            flat = torch.flatten(self.model.avgpool(fmap), 1)
            pooled = self.model.classifier[:-1](flat)
        else:
            pooled = nn.functional.adaptive_avg_pool2d(fmap, 1).flatten(1)
        return pooled, tokens

    def _dims(self) -> tuple[int, int]:
        if self.arch == "densenet121":
            return self.model.classifier.in_features, self.model.classifier.in_features
        if self.arch == "resnet18":
            return self.model.fc.in_features, self.model.fc.in_features
        return self.model.classifier[-1].in_features, self.model.features[-3].out_channels


def preprocess_crop(crop: Image.Image, input_size: int, blur_sigma: float = 0.0) -> torch.Tensor:
    """A face crop as the (3, size, size) ImageNet-normalised tensor the backbone expects,
    blurred at its input size by a Gaussian of `blur_sigma` pixels when that is not 0."""
    return normalize_pixels(blur_pixels(resize_crop(crop, input_size), blur_sigma))


def blur_pixels(pixels: torch.Tensor, sigma: float) -> torch.Tensor:
    """uint8 pixels (any leading batch shape) low-passed by a Gaussian of `sigma` pixels, with
    a kernel three sigmas wide each side; unchanged when `sigma` is 0."""
    if not sigma:
        return pixels
    return tvf.gaussian_blur(pixels, 2 * math.ceil(3 * sigma) + 1, [sigma])


def resize_crop(crop: Image.Image, input_size: int) -> torch.Tensor:
    """A face crop resized to (3, size, size) uint8: what training keeps in memory and augments."""
    return tvf.pil_to_tensor(crop.resize((input_size, input_size), Image.Resampling.BILINEAR))


def normalize_pixels(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 pixels (any leading batch shape) as the ImageNet-normalised floats a backbone takes."""
    return tvf.normalize(
        tvf.to_dtype(pixels, torch.float32, scale=True), IMAGENET_MEAN, IMAGENET_STD
    )


CnnBranch = CnnFeatures | ExpressionFeatures


def load_cnn(settings: CnnSettings, offline: bool) -> CnnBranch:
    """The CNN `settings.arch` names, with its weights.

    The bundled expression net loads from the package (or a converted file); torchvision
    backbones take `none`, `imagenet` or a checkpoint path. Offline, ImageNet weights come
    from torch's hub cache ($TORCH_HOME) or not at all.
    """
    if settings.arch == "faceapi_expression":
        return _load_expression_net(settings)
    backbone = BACKBONES[settings.arch]
    if settings.weights == "none":
        model = backbone.build(weights=None)
    elif settings.weights == "imagenet":
        weights = torchvision.models.get_model_weights(backbone.build)[backbone.imagenet_weights]
        cached = Path(torch.hub.get_dir()) / "checkpoints" / Path(weights.url).name
        if offline and not cached.is_file():
            raise ModelUnavailable(
                f"ImageNet weights for {settings.arch} are not in {cached.parent} and "
                "engine.offline is set",
                _WEIGHTS_SETTING,
                "a safetensors checkpoint or 'none'",
            )
        try:
            model = backbone.build(weights=weights)
        except Exception as exc:  # torchvision raises URLError, OSError or RuntimeError offline
            raise ModelUnavailable(
                f"ImageNet weights for {settings.arch} could not be loaded ({exc})",
                _WEIGHTS_SETTING,
                "a safetensors checkpoint or 'none'",
            ) from exc
    else:
        model = backbone.build(weights=None)
        _load_checkpoint(model, Path(settings.weights), settings.arch, backbone.classifier_prefix)
    return CnnFeatures(
        settings.arch,
        model,
        settings.token_grid,
        settings.input_size,
        settings.blur_sigma,
        settings.crop,
    ).eval()


def _load_expression_net(settings: CnnSettings) -> ExpressionFeatures:
    path = EXPRESSION_WEIGHTS if settings.weights == "bundled" else Path(settings.weights)
    if not path.is_file():
        raise ModelUnavailable(
            f"expression net weights {path} do not exist", _WEIGHTS_SETTING, "'bundled' or a file"
        )
    return load_expression_features(settings.token_grid, path, settings.crop)


def _load_checkpoint(model: nn.Module, path: Path, arch: str, classifier_prefix: str) -> None:
    if not path.is_file():
        raise ModelUnavailable(
            f"CNN checkpoint {path} does not exist",
            _WEIGHTS_SETTING,
            "a safetensors checkpoint, 'imagenet' or 'none'",
        )
    state = {k: v for k, v in load_file(path).items() if not k.startswith(classifier_prefix)}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith(classifier_prefix)]
    if missing or unexpected:
        raise ModelUnavailable(
            f"CNN checkpoint {path} is not a {arch} (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]})",
            _WEIGHTS_SETTING,
            f"a {arch} checkpoint, or engine.cnn.arch to the checkpoint's architecture",
        )
