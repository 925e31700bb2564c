"""RetinaFace with a MobileNet-0.25 backbone, as biubug6/Pytorch_Retinaface builds it.

MobileNetV1 at a quarter width gives feature maps at strides 8, 16 and 32; a feature pyramid
mixes them top-down; an SSH context module widens each one's view; three 1x1 heads predict,
for two anchors per cell, face/background logits, a box offset and five landmark offsets.
Batch norm is folded into each convolution's bias (as in the exported model we convert), and
every activation but the SSH outputs is LeakyReLU(0.1).
"""

import torch
import torch.nn.functional as F
from torch import nn

ANCHORS_PER_CELL = 2
LANDMARKS = 5
_LEAKY_SLOPE = 0.1
_PYRAMID_CHANNELS = 64
# (input channels, output channels, stride) of MobileNet-0.25's depthwise-separable blocks;
# each stage's output feeds the pyramid (strides 8, 16, 32 of the input).
_STAGE1 = [(8, 16, 1), (16, 32, 2), (32, 32, 1), (32, 64, 2), (64, 64, 1)]
_STAGE2 = [(64, 128, 2), *[(128, 128, 1)] * 5]
_STAGE3 = [(128, 256, 2), (256, 256, 1)]


class ConvBlock(nn.Module):
    """A convolution (batch norm folded into its bias), then LeakyReLU(0.1) unless `linear`."""

    def __init__(
        self,
        channels_in: int,
        channels_out: int,
        kernel: int = 3,
        stride: int = 1,
        groups: int = 1,
        linear: bool = False,
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(
            channels_in, channels_out, kernel, stride, padding=kernel // 2, groups=groups
        )
        self.linear = linear

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv(x)
        return out if self.linear else F.leaky_relu(out, _LEAKY_SLOPE)


class DepthwiseSeparable(nn.Module):
    """MobileNetV1's unit: a 3x3 depthwise convolution, then a 1x1 pointwise one."""

    def __init__(self, channels_in: int, channels_out: int, stride: int) -> None:
        super().__init__()
        self.depthwise = ConvBlock(channels_in, channels_in, stride=stride, groups=channels_in)
        self.pointwise = ConvBlock(channels_in, channels_out, kernel=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class MobileNetV1(nn.Module):
    """MobileNetV1 at width 0.25, cut after its three stages (strides 8, 16, 32)."""

    def __init__(self) -> None:
        super().__init__()
        self.stem = ConvBlock(3, 8, stride=2)
        self.stage1 = nn.Sequential(*(DepthwiseSeparable(*block) for block in _STAGE1))
        self.stage2 = nn.Sequential(*(DepthwiseSeparable(*block) for block in _STAGE2))
        self.stage3 = nn.Sequential(*(DepthwiseSeparable(*block) for block in _STAGE3))

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        stride8 = self.stage1(self.stem(x))
        stride16 = self.stage2(stride8)
        stride32 = self.stage3(stride16)
        return [stride8, stride16, stride32]


class FeaturePyramid(nn.Module):
    """Every level brought to 64 channels, then each finer level gets the coarser one added
    (nearest-neighbour upsampled) and smoothed by a 3x3 convolution."""

    def __init__(self, channels_in: tuple[int, int, int] = (64, 128, 256)) -> None:
        super().__init__()
        self.lateral = nn.ModuleList(
            ConvBlock(channels, _PYRAMID_CHANNELS, kernel=1) for channels in channels_in
        )
        # merge[0] smooths the stride-8 level, merge[1] the stride-16 one.
        self.merge = nn.ModuleList(
            ConvBlock(_PYRAMID_CHANNELS, _PYRAMID_CHANNELS) for _ in range(2)
        )

    def forward(self, levels: list[torch.Tensor]) -> list[torch.Tensor]:
        fine, middle, coarse = (lateral(x) for lateral, x in zip(self.lateral, levels, strict=True))
        middle = self.merge[1](middle + F.interpolate(coarse, size=middle.shape[-2:]))
        fine = self.merge[0](fine + F.interpolate(middle, size=fine.shape[-2:]))
        return [fine, middle, coarse]


class ContextModule(nn.Module):
    """SSH's context module: 3x3, 5x5 and 7x7 receptive fields (stacked 3x3 convolutions,
    the 5x5 and 7x7 branches sharing their first), concatenated, then ReLU."""

    def __init__(self, channels: int = _PYRAMID_CHANNELS) -> None:
        super().__init__()
        half, quarter = channels // 2, channels // 4
        self.conv3 = ConvBlock(channels, half, linear=True)
        self.shared = ConvBlock(channels, quarter)
        self.conv5 = ConvBlock(quarter, quarter, linear=True)
        self.conv7_first = ConvBlock(quarter, quarter)
        self.conv7 = ConvBlock(quarter, quarter, linear=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shared = self.shared(x)
        branches = [self.conv3(x), self.conv5(shared), self.conv7(self.conv7_first(shared))]
        return F.relu(torch.cat(branches, dim=1))


def _heads(values_per_anchor: int) -> nn.ModuleList:
    """One 1x1 convolution per pyramid level, `values_per_anchor` for each of its anchors."""
    return nn.ModuleList(
        nn.Conv2d(_PYRAMID_CHANNELS, ANCHORS_PER_CELL * values_per_anchor, 1) for _ in range(3)
    )


def _per_anchor(heads: nn.ModuleList, maps: list[torch.Tensor], values: int) -> torch.Tensor:
    """(batch, anchors, values): cells row by row, finest level first, as the anchors are."""
    batch = maps[0].shape[0]
    return torch.cat(
        [
            head(fmap).permute(0, 2, 3, 1).reshape(batch, -1, values)
            for head, fmap in zip(heads, maps, strict=True)
        ],
        dim=1,
    )


class RetinaFace(nn.Module):
    """Per anchor: a face score, a box and five landmarks, still encoded against the anchor
    (see `anchors.decode`)."""

    def __init__(self) -> None:
        super().__init__()
        self.body = MobileNetV1()
        self.fpn = FeaturePyramid()
        self.context = nn.ModuleList(ContextModule() for _ in range(3))
        self.class_head = _heads(2)
        self.box_head = _heads(4)
        self.landmark_head = _heads(2 * LANDMARKS)

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """`pixels`: (batch, 3, height, width), BGR minus the mean colour (see `MEAN_BGR`).
        Returns face scores (batch, anchors), box encodings (batch, anchors, 4) and landmark
        encodings (batch, anchors, 10)."""
        levels = self.fpn(self.body(pixels))
        maps = [context(level) for context, level in zip(self.context, levels, strict=True)]
        logits = _per_anchor(self.class_head, maps, 2)
        boxes = _per_anchor(self.box_head, maps, 4)
        landmarks = _per_anchor(self.landmark_head, maps, 2 * LANDMARKS)
        return torch.softmax(logits, dim=-1)[..., 1], boxes, landmarks
