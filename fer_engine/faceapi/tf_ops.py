"""TF.js operations whose PyTorch counterparts compute something else.

TF's "same" padding puts the odd pixel at the bottom/right, and TF.js's `resizeBilinear`
(alignCorners=false, halfPixelCenters=false) samples at `i * in / out`, not at half-pixel
centres as `torch.nn.functional.interpolate` does. Ports that skip these drift by pixels.
"""

import math

import torch
import torch.nn.functional as F


def js_round(value: float) -> int:
    """JavaScript's `Math.round`: halves go up (Python's `round` sends them to even)."""
    return math.floor(value + 0.5)


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """(before, after) padding TF's "same" uses along one axis."""
    total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def conv2d_same(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int = 1,
    groups: int = 1,
) -> torch.Tensor:
    """`tf.conv2d(x, w, stride, 'same')` (or depthwise with groups = channels) on NCHW."""
    kernel_h, kernel_w = weight.shape[-2:]
    top, bottom = same_padding(x.shape[-2], kernel_h, stride)
    left, right = same_padding(x.shape[-1], kernel_w, stride)
    if (top, left) == (bottom, right):  # symmetric: the convolution pads without a copy
        return F.conv2d(x, weight, bias, stride=stride, padding=(top, left), groups=groups)
    return F.conv2d(
        F.pad(x, (left, right, top, bottom)), weight, bias, stride=stride, groups=groups
    )


def _sample_positions(
    size_in: int, size_out: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    ratio = size_in / size_out  # float64 in JS and here
    source = torch.arange(size_out, dtype=torch.float64) * ratio
    floor = source.floor()
    ceil = torch.clamp(source.ceil(), max=size_in - 1)
    return floor.long(), ceil.long(), source - floor


def resize_bilinear(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """`tf.image.resizeBilinear(x, [height, width], false, false)` on an NCHW tensor.

    Interpolated in double precision and returned as float32, as TF.js's CPU backend does
    (JavaScript numbers written into a Float32Array). Rows are picked before converting, so
    a large uint8 photo is never turned into floats whole.
    """
    if x.shape[-2:] == (height, width):
        return x.float()
    top, bottom, row_frac = _sample_positions(x.shape[-2], height)
    left, right, col_frac = _sample_positions(x.shape[-1], width)
    row_frac = row_frac.to(x.device)[:, None]
    col_frac = col_frac.to(x.device)
    upper = x[..., top.to(x.device), :].double()
    lower = x[..., bottom.to(x.device), :].double()
    left, right = left.to(x.device), right.to(x.device)
    upper = upper[..., left] + (upper[..., right] - upper[..., left]) * col_frac
    lower = lower[..., left] + (lower[..., right] - lower[..., left]) * col_frac
    return (upper + (lower - upper) * row_frac).float()


def pad_to_square(x: torch.Tensor, centred: bool) -> torch.Tensor:
    """face-api's `padToSquare` on NCHW: zeros after the short side, or split around it."""
    height, width = x.shape[-2:]
    if height == width:
        return x
    diff = abs(height - width)
    after = js_round(diff * 0.5) if centred else diff
    before = diff - after
    if height > width:
        return F.pad(x, (before, after, 0, 0))
    return F.pad(x, (0, 0, before, after))
