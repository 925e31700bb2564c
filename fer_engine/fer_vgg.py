"""A VGG-style network made for 48 px grey faces, trained from scratch on FER2013.

ImageNet backbones halve a 48 px face to 12 px before their first block; this one keeps full
resolution through two 3x3 convolutions before each of its four poolings (48 -> 3), as the
from-scratch nets that lead FER2013 do. Its layout mirrors torchvision's VGG (`features`,
`classifier`) so the engine reads its feature map and last layer the same way.
"""

import torch
from torch import nn

STAGES = 4
CONVS_PER_STAGE = 2
DEFAULT_WIDTH = 32


class FerVgg(nn.Module):
    """Four stages of two conv-BN-ReLU layers and a max-pool, widths w, 2w, 4w, 8w; then a
    global average pool and one linear layer."""

    def __init__(self, width: int = DEFAULT_WIDTH, num_classes: int = 7, dropout: float = 0.3):
        super().__init__()
        layers: list[nn.Module] = []
        channels_in = 3
        for stage in range(STAGES):
            channels_out = width * 2**stage
            for _ in range(CONVS_PER_STAGE):
                layers += [
                    nn.Conv2d(channels_in, channels_out, 3, padding=1, bias=False),
                    nn.BatchNorm2d(channels_out),
                    nn.ReLU(inplace=True),
                ]
                channels_in = channels_out
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(dropout), nn.Linear(channels_in, num_classes))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        pooled = nn.functional.adaptive_avg_pool2d(self.features(pixels), 1).flatten(1)
        return self.classifier(pooled)


def build_fer_vgg(weights: None = None, num_classes: int = 7, width: int = DEFAULT_WIDTH) -> FerVgg:
    """torchvision's builder signature, so `BACKBONES` treats it like the others; there are no
    pretrained weights to ask for."""
    if weights is not None:
        raise ValueError("fer_vgg has no pretrained weights: train it with `ferbot train cnn`")
    return FerVgg(width, num_classes)


def width_of(state: dict[str, torch.Tensor]) -> int:
    """The width a saved FerVgg was built with, read from its first convolution: a checkpoint
    describes itself, so no setting has to repeat it."""
    return state["features.0.weight"].shape[0]
