"""Augmentation of a whole batch at once, on the device the net trains on.

torchvision's per-image transforms cost about 12 ms a 48 px face on a CPU core (more than the
net's own training step); one affine grid and one mask for the batch cost well under 1 ms a
face, so the `full` augmentation runs here instead.
"""

import math

import torch
from torch.nn import functional


def augment_batch(
    inputs: torch.Tensor,
    max_degrees: float = 10.0,
    max_zoom: float = 0.1,
    max_shift: float = 0.1,
    erase_p: float = 0.5,
    erase_area: tuple[float, float] = (0.02, 0.2),
) -> torch.Tensor:
    """Each normalised face (batch, channels, h, w) mirrored half the time, rotated, zoomed and
    shifted a little, and in `erase_p` of them a random rectangle set to 0 (the mean colour).

    Borders pulled in by the transform repeat the edge pixels, as a face continues past a crop.
    """
    batch = inputs.shape[0]
    device = inputs.device

    def uniform(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, device=device) * 2 - 1

    angle = uniform(batch) * math.radians(max_degrees)
    zoom = 1 + uniform(batch) * max_zoom
    mirror = torch.where(torch.rand(batch, device=device) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) / zoom, torch.sin(angle) / zoom
    shift = uniform(batch, 2) * max_shift * 2  # grid units span 2 across the picture
    theta = torch.stack(
        [
            torch.stack([cos * mirror, -sin, shift[:, 0]], dim=1),
            torch.stack([sin * mirror, cos, shift[:, 1]], dim=1),
        ],
        dim=1,
    )
    grid = functional.affine_grid(theta, list(inputs.shape), align_corners=False)
    moved = functional.grid_sample(inputs, grid, padding_mode="border", align_corners=False)
    return moved * ~_erase_masks(moved.shape, erase_p, erase_area, device)


def _erase_masks(
    shape: torch.Size, p: float, area: tuple[float, float], device: torch.device
) -> torch.Tensor:
    """(batch, 1, h, w) True inside one random rectangle per chosen face (random erasing)."""
    batch, _, height, width = shape
    share = area[0] + torch.rand(batch, device=device) * (area[1] - area[0])
    aspect = torch.exp(torch.empty(batch, device=device).uniform_(math.log(0.3), math.log(3.3)))
    box_h = (torch.sqrt(share * aspect) * height).clamp(1, height)
    box_w = (torch.sqrt(share / aspect) * width).clamp(1, width)
    top = torch.rand(batch, device=device) * (height - box_h)
    left = torch.rand(batch, device=device) * (width - box_w)
    rows = torch.arange(height, device=device)[None, :, None]
    cols = torch.arange(width, device=device)[None, None, :]
    inside = (
        (rows >= top[:, None, None])
        & (rows < (top + box_h)[:, None, None])
        & (cols >= left[:, None, None])
        & (cols < (left + box_w)[:, None, None])
    )
    chosen = torch.rand(batch, device=device) < p
    return (inside & chosen[:, None, None])[:, None]
