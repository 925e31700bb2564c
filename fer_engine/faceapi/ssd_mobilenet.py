"""face-api.js's SSD MobileNetV1 face detector: 512x512 input, 5,118 anchors, NMS at IoU 0.5."""

import torch
import torchvision
from torch import nn

from fer_engine.faceapi.tf_ops import conv2d_same

INPUT_SIZE = 512
ANCHORS = 5118
NMS_IOU = 0.5  # face-api's fixed IoU threshold
_BATCH_NORM_EPSILON = 0.0010000000474974513
_DEPTHWISE_STRIDE_2 = {2, 4, 6, 12}  # MobileNetV1 layers that halve the feature map
# (input channels, output channels) of the 13 depthwise + pointwise pairs after conv_0.
_MOBILENET_PAIRS = [
    (32, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 512), (512, 512),
    (512, 512), (512, 512), (512, 512), (512, 512), (512, 1024), (1024, 1024),
]  # fmt: skip
# (input channels, output channels, kernel, stride) of the extra feature layers.
_PREDICTION_CONVS = [
    (1024, 256, 1, 1), (256, 512, 3, 2), (512, 128, 1, 1), (128, 256, 3, 2),
    (256, 128, 1, 1), (128, 256, 3, 2), (256, 64, 1, 1), (64, 128, 3, 2),
]  # fmt: skip
# (input channels, anchors per cell) of the six box predictors.
_PREDICTORS = [(512, 3), (1024, 6), (512, 6), (256, 6), (256, 6), (128, 6)]
_CLASSES = 3  # background, face, and an unused third


class PointwiseConv(nn.Module):
    """A convolution with batch norm folded into an offset, then ReLU6."""

    def __init__(self, channels_in: int, channels_out: int, kernel: int = 1, stride: int = 1):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels_out, channels_in, kernel, kernel))
        self.offset = nn.Parameter(torch.zeros(channels_out))
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return conv2d_same(x, self.weight, self.offset, stride=self.stride).clamp_(0, 6)


class DepthwiseConv(nn.Module):
    """A 3x3 depthwise convolution, batch norm, then ReLU6."""

    def __init__(self, channels: int, stride: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels, 1, 3, 3))
        self.scale = nn.Parameter(torch.ones(channels))
        self.offset = nn.Parameter(torch.zeros(channels))
        self.mean = nn.Parameter(torch.zeros(channels))
        self.variance = nn.Parameter(torch.ones(channels))
        self.stride = stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Batch norm folded into the kernel: one pass over the map instead of four; the result
        # moves by float rounding only.
        inv = torch.rsqrt(self.variance + _BATCH_NORM_EPSILON) * self.scale
        weight = self.weight * inv[:, None, None, None]
        bias = self.offset - self.mean * inv
        out = conv2d_same(x, weight, bias, stride=self.stride, groups=x.shape[1])
        return out.clamp_(0, 6)


class ConvPair(nn.Module):
    """MobileNetV1's depthwise-separable unit."""

    def __init__(self, channels_in: int, channels_out: int, stride: int) -> None:
        super().__init__()
        self.depthwise = DepthwiseConv(channels_in, stride)
        self.pointwise = PointwiseConv(channels_in, channels_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pointwise(self.depthwise(x))


class Conv(nn.Module):
    """A plain 1x1 convolution with bias (the box and class predictors)."""

    def __init__(self, channels_in: int, channels_out: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels_out, channels_in, 1, 1))
        self.bias = nn.Parameter(torch.zeros(channels_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return conv2d_same(x, self.weight, self.bias)


class BoxPredictor(nn.Module):
    """Box encodings and class logits for every anchor of one feature map."""

    def __init__(self, channels_in: int, anchors: int) -> None:
        super().__init__()
        self.box_encoding = Conv(channels_in, anchors * 4)
        self.classes = Conv(channels_in, anchors * _CLASSES)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        batch = x.shape[0]
        # NHWC order before reshaping, so anchors come out in TF.js's order.
        encodings = self.box_encoding(x).permute(0, 2, 3, 1).reshape(batch, -1, 4)
        logits = self.classes(x).permute(0, 2, 3, 1).reshape(batch, -1, _CLASSES)
        return encodings, logits


class SsdMobilenetV1(nn.Module):
    """Boxes (ymin, xmin, ymax, xmax, relative to the padded square) and face scores."""

    def __init__(self) -> None:
        super().__init__()
        self.conv_0 = PointwiseConv(3, 32, kernel=3, stride=2)
        self.pairs = nn.ModuleList(
            ConvPair(cin, cout, 2 if index in _DEPTHWISE_STRIDE_2 else 1)
            for index, (cin, cout) in enumerate(_MOBILENET_PAIRS, start=1)
        )
        self.prediction = nn.ModuleList(PointwiseConv(*conv) for conv in _PREDICTION_CONVS)
        self.box_predictors = nn.ModuleList(BoxPredictor(*p) for p in _PREDICTORS)
        self.register_buffer("anchors", torch.zeros(ANCHORS, 4))

    def forward(self, pixels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """`pixels`: (batch, 3, 512, 512) scaled to -1..1. Returns boxes and scores per anchor."""
        out = self.conv_0(pixels)
        for index, pair in enumerate(self.pairs, start=1):
            out = pair(out)
            if index == 11:
                conv11 = out
        maps = [conv11, out]
        extra = out
        for index, conv in enumerate(self.prediction):
            extra = conv(extra)
            if index % 2 == 1:
                maps.append(extra)
        predictions = [
            predictor(fmap) for predictor, fmap in zip(self.box_predictors, maps, strict=True)
        ]
        encodings = torch.cat([p[0] for p in predictions], dim=1)
        logits = torch.cat([p[1] for p in predictions], dim=1)
        return _decode_boxes(self.anchors, encodings), torch.sigmoid(logits[..., 1])


def _decode_boxes(anchors: torch.Tensor, encodings: torch.Tensor) -> torch.Tensor:
    """SSD box decoding with TF's (10, 10, 5, 5) scale factors, as face-api's outputLayer."""
    sizes = anchors[:, 2:] - anchors[:, :2]
    centres = anchors[:, :2] + sizes / 2
    half = torch.exp(encodings[..., 2:] / 5) * sizes / 2
    middle = encodings[..., :2] / 10 * sizes + centres
    return torch.cat([middle - half, middle + half], dim=-1)


def non_max_suppression(
    boxes: torch.Tensor, scores: torch.Tensor, max_results: int, min_score: float
) -> torch.Tensor:
    """Indices of the boxes face-api keeps, best first: score above `min_score`, then greedy
    NMS at IoU 0.5 (face-api's loop computes what `torchvision.ops.nms` does), at most
    `max_results`.
    """
    candidates = torch.nonzero(scores > min_score).squeeze(1)
    chosen = boxes[candidates]
    # face-api orders each box's corners before the IoU; predicted boxes can come out flipped.
    ordered = torch.cat(
        [torch.minimum(chosen[:, :2], chosen[:, 2:]), torch.maximum(chosen[:, :2], chosen[:, 2:])],
        1,
    )
    kept = torchvision.ops.nms(ordered, scores[candidates], NMS_IOU)
    return candidates[kept][:max_results]
