import pytest
import torch

from fer_engine.emotions import EMOTIONS
from fer_engine.heads import HEADS, HeadInputs, HeadSpec, build_head

FUSION_KINDS = [kind for kind in HEADS if kind not in ("cnn", "text")]
BATCH, IMAGE_TOKENS, TEXT_TOKENS = 3, 9, 6


def spec(kind: str) -> HeadSpec:
    return HeadSpec(
        kind=kind,
        image_dim=24,
        image_token_dim=20,
        text_dim=16,
        text_token_dim=12,
        hidden=32,
        heads=2,
    )


def inputs(seed: int, text_seed: int | None = None) -> HeadInputs:
    image = torch.Generator().manual_seed(seed)
    text = torch.Generator().manual_seed(seed if text_seed is None else text_seed)
    return HeadInputs(
        image=torch.randn(BATCH, 24, generator=image),
        image_tokens=torch.randn(BATCH, IMAGE_TOKENS, 20, generator=image),
        text=torch.randn(BATCH, 16, generator=text),
        text_tokens=torch.randn(BATCH, TEXT_TOKENS, 12, generator=text),
        text_mask=torch.ones(BATCH, TEXT_TOKENS, dtype=torch.bool),
    )


def probs(kind: str, x: HeadInputs) -> torch.Tensor:
    torch.manual_seed(0)
    with torch.no_grad():
        return torch.softmax(build_head(spec(kind)).eval()(x), dim=-1)


@pytest.mark.parametrize("kind", list(HEADS))
def test_every_head_gives_one_logit_per_emotion(kind: str) -> None:
    assert probs(kind, inputs(0)).shape == (BATCH, len(EMOTIONS))


@pytest.mark.parametrize("kind", [*FUSION_KINDS, "text"])
def test_changing_the_caption_embedding_changes_the_probabilities(kind: str) -> None:
    same_image_other_caption = probs(kind, inputs(0, text_seed=1))
    assert (probs(kind, inputs(0)) - same_image_other_caption).abs().max() > 1e-3


@pytest.mark.parametrize("kind", [*FUSION_KINDS, "cnn"])
def test_changing_the_image_features_changes_the_probabilities(kind: str) -> None:
    other_image_same_caption = probs(kind, inputs(1, text_seed=0))
    assert (probs(kind, inputs(0)) - other_image_same_caption).abs().max() > 1e-3


def test_the_cnn_head_ignores_the_caption() -> None:
    assert torch.equal(probs("cnn", inputs(0)), probs("cnn", inputs(0, text_seed=1)))


def test_cross_attention_ignores_padding_after_the_caption() -> None:
    x = inputs(0)
    padded = HeadInputs(
        image=x.image,
        image_tokens=x.image_tokens,
        text=x.text,
        text_tokens=torch.cat([x.text_tokens, torch.randn(BATCH, 4, 12)], dim=1),
        text_mask=torch.cat([x.text_mask, torch.zeros(BATCH, 4, dtype=torch.bool)], dim=1),
    )
    assert torch.allclose(probs("cross_attention", x), probs("cross_attention", padded), atol=1e-6)


def test_cross_attention_attends_over_more_than_one_caption_token() -> None:
    x = inputs(0)
    tokens = x.text_tokens.clone()
    tokens[:, -1] += 5.0  # only the last caption token changes
    changed = HeadInputs(x.image, x.image_tokens, x.text, tokens, x.text_mask)
    assert (probs("cross_attention", x) - probs("cross_attention", changed)).abs().max() > 1e-3
