"""RetinaFace's anchors and how its box and landmark encodings decode against them."""

import math

import torch

# Per pyramid level (strides 8, 16, 32): the sides of its two square anchors, in input pixels.
STRIDES = (8, 16, 32)
ANCHOR_SIDES = ((16, 32), (64, 128), (256, 512))
# The variances the network was trained with: centres move by 0.1 anchor, sizes by exp(0.2 x).
CENTRE_VARIANCE = 0.1
SIZE_VARIANCE = 0.2


def anchors(height: int, width: int) -> torch.Tensor:
    """(anchors, 4) of (centre x, centre y, width, height) in input pixels, in the network's
    order: finest level first, cells row by row, both sides of a cell in turn."""
    levels = []
    for stride, sides in zip(STRIDES, ANCHOR_SIDES, strict=True):
        rows, cols = math.ceil(height / stride), math.ceil(width / stride)
        y, x = torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij")
        centres = (torch.stack([x, y], dim=-1).reshape(-1, 1, 2) + 0.5) * stride
        sizes = torch.tensor(sides, dtype=torch.float32)[:, None].expand(-1, 2)
        cells = torch.cat(
            [centres.expand(-1, len(sides), 2), sizes.expand(len(centres), -1, -1)], dim=-1
        )
        levels.append(cells.reshape(-1, 4))
    return torch.cat(levels)


def decode_boxes(anchors: torch.Tensor, encodings: torch.Tensor) -> torch.Tensor:
    """(..., 4) boxes as (x1, y1, x2, y2) in input pixels."""
    centres = anchors[:, :2] + encodings[..., :2] * CENTRE_VARIANCE * anchors[:, 2:]
    half = anchors[:, 2:] * torch.exp(encodings[..., 2:] * SIZE_VARIANCE) / 2
    return torch.cat([centres - half, centres + half], dim=-1)


def decode_landmarks(anchors: torch.Tensor, encodings: torch.Tensor) -> torch.Tensor:
    """(..., points, 2) landmark positions in input pixels."""
    offsets = encodings.unflatten(-1, (-1, 2))
    return anchors[:, None, :2] + offsets * CENTRE_VARIANCE * anchors[:, None, 2:]
