"""Classifier heads over CNN and caption features, 7 logits in EMOTIONS order.

The study's "attention" was a softmax over a single element (always 1), so its text branch
never reached the output. Every fusion head here lets both modalities change the logits:
a learned gate, self-attention over three tokens, or cross-attention over many caption tokens.
"""

from dataclasses import dataclass
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict
from torch import nn

from fer_engine.emotions import EMOTIONS

NUM_CLASSES = len(EMOTIONS)

HeadKind = Literal["cnn", "text", "concat", "gated", "self_attention", "cross_attention"]


class HeadSpec(BaseModel):
    """The shape of a head: what it needs to be rebuilt before its weights are loaded."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: HeadKind
    image_dim: int
    image_token_dim: int
    text_dim: int = 0
    text_token_dim: int = 0
    hidden: int = 256
    heads: int = 4
    dropout: float = 0.3

    @property
    def uses_text(self) -> bool:
        return self.kind != "cnn"


@dataclass(frozen=True)
class HeadInputs:
    """One batch of features. Text fields are None when the head does not use captions."""

    image: torch.Tensor
    image_tokens: torch.Tensor
    text: torch.Tensor | None = None
    text_tokens: torch.Tensor | None = None
    text_mask: torch.Tensor | None = None


def _classifier(in_dim: int, spec: HeadSpec) -> nn.Sequential:
    return nn.Sequential(
        nn.Dropout(spec.dropout),
        nn.Linear(in_dim, spec.hidden),
        nn.GELU(),
        nn.Dropout(spec.dropout),
        nn.Linear(spec.hidden, NUM_CLASSES),
    )


class CnnHead(nn.Module):
    """The study's baseline: a linear classifier on the CNN's pooled features."""

    def __init__(self, spec: HeadSpec) -> None:
        super().__init__()
        self.classifier = nn.Sequential(
            nn.Dropout(spec.dropout), nn.Linear(spec.image_dim, NUM_CLASSES)
        )

    def forward(self, x: HeadInputs) -> torch.Tensor:
        return self.classifier(x.image)


class TextHead(nn.Module):
    """Caption embedding alone: the control that shows what the text knows by itself."""

    def __init__(self, spec: HeadSpec) -> None:
        super().__init__()
        self.classifier = _classifier(spec.text_dim, spec)

    def forward(self, x: HeadInputs) -> torch.Tensor:
        return self.classifier(x.text)


class ConcatHead(nn.Module):
    """An MLP on the concatenated features (the study's 1792-d vector, without its no-op)."""

    def __init__(self, spec: HeadSpec) -> None:
        super().__init__()
        self.classifier = _classifier(spec.image_dim + spec.text_dim, spec)

    def forward(self, x: HeadInputs) -> torch.Tensor:
        return self.classifier(torch.cat([x.image, x.text], dim=-1))


class GatedHead(nn.Module):
    """Gated multimodal unit: a learned, per-feature mix of the image and text projections."""

    def __init__(self, spec: HeadSpec) -> None:
        super().__init__()
        self.image = nn.Linear(spec.image_dim, spec.hidden)
        self.text = nn.Linear(spec.text_dim, spec.hidden)
        self.gate = nn.Linear(spec.image_dim + spec.text_dim, spec.hidden)
        self.classifier = nn.Sequential(
            nn.Dropout(spec.dropout), nn.Linear(spec.hidden, NUM_CLASSES)
        )

    def forward(self, x: HeadInputs) -> torch.Tensor:
        z = torch.sigmoid(self.gate(torch.cat([x.image, x.text], dim=-1)))
        fused = z * torch.tanh(self.image(x.image)) + (1 - z) * torch.tanh(self.text(x.text))
        return self.classifier(fused)


class SelfAttentionHead(nn.Module):
    """A transformer layer over three tokens (class, image, text); the class token classifies."""

    def __init__(self, spec: HeadSpec) -> None:
        super().__init__()
        self.image = nn.Linear(spec.image_dim, spec.hidden)
        self.text = nn.Linear(spec.text_dim, spec.hidden)
        self.cls = nn.Parameter(torch.zeros(1, 1, spec.hidden))
        self.modality = nn.Parameter(torch.randn(1, 3, spec.hidden) * 0.02)
        self.encoder = nn.TransformerEncoderLayer(
            spec.hidden,
            spec.heads,
            dim_feedforward=2 * spec.hidden,
            dropout=spec.dropout,
            batch_first=True,
            norm_first=True,
        )
        self.norm = nn.LayerNorm(spec.hidden)
        self.out = nn.Linear(spec.hidden, NUM_CLASSES)

    def forward(self, x: HeadInputs) -> torch.Tensor:
        batch = x.image.shape[0]
        tokens = torch.stack([self.image(x.image), self.text(x.text)], dim=1)
        tokens = torch.cat([self.cls.expand(batch, -1, -1), tokens], dim=1) + self.modality
        return self.out(self.norm(self.encoder(tokens)[:, 0]))


class CrossAttentionHead(nn.Module):
    """Image tokens (the CNN's spatial grid) attend to every token of the caption."""

    def __init__(self, spec: HeadSpec) -> None:
        super().__init__()
        self.query = nn.Linear(spec.image_token_dim, spec.hidden)
        self.key_value = nn.Linear(spec.text_token_dim, spec.hidden)
        self.attention = nn.MultiheadAttention(
            spec.hidden, spec.heads, dropout=spec.dropout, batch_first=True
        )
        self.norm = nn.LayerNorm(spec.hidden)
        self.image = nn.Linear(spec.image_dim, spec.hidden)
        self.classifier = _classifier(2 * spec.hidden, spec)

    def forward(self, x: HeadInputs) -> torch.Tensor:
        queries = self.query(x.image_tokens)
        keys = self.key_value(x.text_tokens)
        attended, _ = self.attention(
            queries, keys, keys, key_padding_mask=~x.text_mask, need_weights=False
        )
        pooled = self.norm(queries + attended).mean(dim=1)
        return self.classifier(torch.cat([pooled, self.image(x.image)], dim=-1))


HEADS: dict[str, type[nn.Module]] = {
    "cnn": CnnHead,
    "text": TextHead,
    "concat": ConcatHead,
    "gated": GatedHead,
    "self_attention": SelfAttentionHead,
    "cross_attention": CrossAttentionHead,
}


def build_head(spec: HeadSpec) -> nn.Module:
    """A freshly initialised head of `spec.kind`."""
    return HEADS[spec.kind](spec)
