import pytest
import torch

from fer_engine.faceapi.tf_ops import (
    conv2d_same,
    js_round,
    pad_to_square,
    resize_bilinear,
    same_padding,
)


def test_js_round_sends_halves_up_like_math_round() -> None:
    assert [js_round(v) for v in (0.5, 1.5, 2.5, -0.5)] == [1, 2, 3, 0]


def test_same_padding_puts_the_odd_pixel_after_for_stride_two() -> None:
    assert same_padding(512, 3, 2) == (0, 1)
    assert same_padding(7, 3, 2) == (1, 1)
    assert same_padding(16, 3, 1) == (1, 1)
    assert same_padding(16, 1, 1) == (0, 0)


def test_a_stride_two_same_convolution_reads_from_the_top_left_corner() -> None:
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    picks_centre = torch.zeros(1, 1, 3, 3)
    picks_centre[0, 0, 1, 1] = 1.0
    # TF pads only below and right, so kernel centres sit on pixels 1 and 3 of each axis
    # (PyTorch's symmetric padding=1 would put them on 0 and 2).
    assert conv2d_same(x, picks_centre, stride=2).flatten().tolist() == [5.0, 7.0, 13.0, 15.0]


def test_resize_samples_at_i_times_in_over_out_without_half_pixel_offsets() -> None:
    row = torch.tensor([[[[0.0, 10.0, 20.0, 30.0]]]])
    # out 3 of in 4: sources 0, 1.333, 2.667 -> 0, 13.33, 26.67 (half-pixel would give 1.67 ...).
    assert resize_bilinear(row, 1, 3).flatten().tolist() == pytest.approx(
        [0.0, 13.3333, 26.6667], abs=1e-3
    )


def test_resize_clamps_the_upper_neighbour_at_the_edge() -> None:
    row = torch.tensor([[[[0.0, 10.0]]]])
    assert resize_bilinear(row, 1, 4).flatten().tolist() == pytest.approx(
        [0.0, 5.0, 10.0, 10.0], abs=1e-3
    )


def test_pad_to_square_pads_after_or_around_the_short_side() -> None:
    wide = torch.ones(1, 1, 2, 5)
    assert pad_to_square(wide, centred=False)[0, 0, :, 0].tolist() == [1, 1, 0, 0, 0]
    assert pad_to_square(wide, centred=True)[0, 0, :, 0].tolist() == [0, 1, 1, 0, 0]
