"""face-api.js's face expression net: four dense blocks of separable convolutions, 256-d out.

The 7-way classifier that follows it in face-api becomes an ordinary `cnn` head checkpoint
(fer_engine/weights/expression_head), its rows put in ferbot's class order at conversion.
"""

import numpy as np
import torch
from PIL import Image
from torch import nn

from fer_engine.alignment import ARCFACE_TEMPLATE, aligned_crop, reframed_template
from fer_engine.faceapi.tf_ops import conv2d_same, pad_to_square, resize_bilinear
from fer_engine.faces import FaceBox
from fer_engine.settings import CropKind

INPUT_SIZE = 112
FEATURES = 256
_MEAN_RGB = (122.782, 117.001, 104.298)
_BLOCK_CHANNELS = [(3, 32), (32, 64), (64, 128), (128, 256)]
# Where face-api's box crop puts the eyes, as fractions of its side: in 216 faces the bundled
# SSD finds (realphotos-dev's close-ups and face-api's samples), OpenCV's eye cascade puts
# them 0.348 of the side apart (quartiles 0.32-0.37), their midpoint at x 0.50, y 0.378
# (0.36-0.40; face-api's turned sample faces alone: 0.31 apart, y 0.42), measured by
# benchmarks/faceapi_framing.py. ArcFace's template reframed so (1.11 times its size): an
# aligned crop shows the net a face as large and as placed as its box crop did, only level.
FACEAPI_EYE_DISTANCE = 0.348
FACEAPI_EYE_CENTRE = (0.5, 0.378)
FACEAPI_TEMPLATE = reframed_template(ARCFACE_TEMPLATE, FACEAPI_EYE_DISTANCE, FACEAPI_EYE_CENTRE)


class SeparableConv(nn.Module):
    """`tf.separableConv2d` ('same') plus bias: depthwise 3x3, then pointwise 1x1."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.depthwise = nn.Parameter(torch.zeros(channels_in, 1, 3, 3))
        self.pointwise = nn.Parameter(torch.zeros(channels_out, channels_in, 1, 1))
        self.bias = nn.Parameter(torch.zeros(channels_out))

    def forward(self, x: torch.Tensor, stride: int = 1) -> torch.Tensor:
        out = conv2d_same(x, self.depthwise, stride=stride, groups=x.shape[1])
        return conv2d_same(out, self.pointwise, self.bias)


class FirstConv(nn.Module):
    """The plain 3x3 convolution that opens the first dense block."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.filters = nn.Parameter(torch.zeros(channels_out, channels_in, 3, 3))
        self.bias = nn.Parameter(torch.zeros(channels_out))

    def forward(self, x: torch.Tensor, stride: int = 1) -> torch.Tensor:
        return conv2d_same(x, self.filters, self.bias, stride=stride)


class DenseBlock(nn.Module):
    """face-api's `denseBlock4`: each conv sees the sum of all earlier outputs; halves the size."""

    def __init__(self, channels_in: int, channels_out: int, first: bool) -> None:
        super().__init__()
        opening = FirstConv if first else SeparableConv
        self.conv0 = opening(channels_in, channels_out)
        self.conv1 = SeparableConv(channels_out, channels_out)
        self.conv2 = SeparableConv(channels_out, channels_out)
        self.conv3 = SeparableConv(channels_out, channels_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out1 = torch.relu(self.conv0(x, stride=2))
        out2 = self.conv1(out1)
        out3 = self.conv2(torch.relu(out1 + out2))
        out4 = self.conv3(torch.relu(out1 + (out2 + out3)))
        return torch.relu(out1 + (out2 + (out3 + out4)))


class ExpressionFeatures(nn.Module):
    """Face crops to 256-d features (and a grid of 256-d tokens for cross-attention heads)."""

    arch = "faceapi_expression"
    pooled_dim = FEATURES
    token_dim = FEATURES

    def __init__(self, token_grid: int, crop: CropKind = "box") -> None:
        super().__init__()
        self.token_grid = token_grid
        self.crop: CropKind = crop
        self.dense = nn.ModuleList(
            DenseBlock(cin, cout, first=index == 0)
            for index, (cin, cout) in enumerate(_BLOCK_CHANNELS)
        )

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = pixels
        for block in self.dense:
            out = block(out)
        # face-api's 7x7 average pool with stride 2 on the 7x7 map is the mean of all cells.
        pooled = out.mean(dim=(2, 3))
        tokens = nn.functional.adaptive_avg_pool2d(out, self.token_grid).flatten(2).transpose(1, 2)
        return pooled, tokens

    def preprocess(self, image: Image.Image, box: FaceBox, margin: float) -> torch.Tensor:
        """The crop face-api feeds its expression net: box floored and clipped, padded to a
        square around its centre with zeros, resized to 112 (TF bilinear), mean RGB off, /255.
        With `crop` "aligned" a face with landmarks is instead turned level onto
        `FACEAPI_TEMPLATE`, framed as the box crop frames it.

        `margin` does not apply: the net was trained on face-api's exact crops.
        """
        if self.crop == "aligned" and box.landmarks is not None:
            level = aligned_crop(image, box.landmarks, INPUT_SIZE, 0.0, FACEAPI_TEMPLATE)
            pixels = torch.from_numpy(np.array(level)).permute(2, 0, 1).float()
        else:
            pixels = _box_crop(image, box)
        mean = torch.tensor(_MEAN_RGB)[:, None, None]
        return ((pixels - mean) / 255).contiguous()


def _box_crop(image: Image.Image, box: FaceBox) -> torch.Tensor:
    """face-api's crop of `box` as (3, 112, 112) float pixels."""
    x, y = max(box.x, 0.0), max(box.y, 0.0)
    width = int(min(box.x + box.w - x, image.width - x))
    height = int(min(box.y + box.h - y, image.height - y))
    left, top = int(x), int(y)
    face = np.array(image.crop((left, top, left + width, top + height)))
    pixels = torch.from_numpy(face).permute(2, 0, 1)[None]
    return resize_bilinear(pad_to_square(pixels, centred=True), INPUT_SIZE, INPUT_SIZE)[0]
