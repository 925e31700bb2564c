"""A batch's pixels to the device in one copy: stacked into one (pinned, on CUDA) host buffer."""

from collections.abc import Sequence

import torch


def stack_to_device(
    groups: Sequence[Sequence[torch.Tensor]], device: torch.device
) -> list[torch.Tensor]:
    """Each group of same-shaped tensors stacked into a batch, every group moved in one transfer.

    The stacks are written straight into one host buffer, page-locked on CUDA so the copy is a
    single asynchronous DMA instead of one staged copy per tensor. The caching host allocator
    keeps the buffer alive until that copy has finished, so it may be dropped at once.
    """
    dtypes = {tensor.dtype for group in groups for tensor in group}
    if len(dtypes) != 1:
        raise ValueError(f"one transfer needs one dtype, got {sorted(map(str, dtypes))}")
    shapes = [(len(group), *group[0].shape) for group in groups]
    sizes = [torch.Size(shape).numel() for shape in shapes]
    host = torch.empty(sum(sizes), dtype=dtypes.pop(), pin_memory=device.type == "cuda")
    for group, shape, part in zip(groups, shapes, host.split(sizes), strict=True):
        torch.stack(list(group), out=part.view(shape))
    moved = host.to(device, non_blocking=True)
    return [part.view(shape) for part, shape in zip(moved.split(sizes), shapes, strict=True)]
