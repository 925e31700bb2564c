"""One transfer per batch: every group stacked into one buffer, handed back as batches."""

import pytest
import torch

from fer_engine.transfer import stack_to_device


def test_each_group_comes_back_as_its_stacked_batch() -> None:
    cnn = [torch.randn(3, 8, 8) for _ in range(4)]
    caption = [torch.randn(3, 5, 5) for _ in range(4)]
    moved = stack_to_device([cnn, caption], torch.device("cpu"))
    assert torch.equal(moved[0], torch.stack(cnn)) and torch.equal(moved[1], torch.stack(caption))


def test_groups_of_different_dtypes_are_refused() -> None:
    with pytest.raises(ValueError, match="one dtype"):
        stack_to_device(
            [[torch.zeros(2)], [torch.zeros(2, dtype=torch.int64)]], torch.device("cpu")
        )
