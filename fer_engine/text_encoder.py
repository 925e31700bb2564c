"""CLIP text embeddings of captions: one pooled vector and the per-token states of each."""

from dataclasses import dataclass

import torch
from transformers import AutoTokenizer, CLIPTextModelWithProjection, PreTrainedTokenizerBase

from fer_engine.hub import load_pretrained
from fer_engine.settings import TextEncoderSettings


@dataclass(frozen=True)
class TextFeatures:
    """A batch of caption embeddings; `tokens` rows are padded, `mask` marks real tokens."""

    pooled: torch.Tensor
    tokens: torch.Tensor
    mask: torch.Tensor


class TextEncoder:
    """Batched CLIP text tower; padding never changes an embedding (causal mask + eos pooling)."""

    def __init__(
        self,
        model: CLIPTextModelWithProjection,
        tokenizer: PreTrainedTokenizerBase,
        max_tokens: int,
    ) -> None:
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.max_tokens = min(max_tokens, model.config.max_position_embeddings)

    @property
    def pooled_dim(self) -> int:
        return self.model.config.projection_dim

    @property
    def token_dim(self) -> int:
        return self.model.config.hidden_size

    @torch.inference_mode()
    def encode(self, captions: list[str]) -> TextFeatures:
        """Embeddings of `captions`, in fp32 on the model's device."""
        encoded = self.tokenizer(
            captions,
            padding=True,
            truncation=True,
            max_length=self.max_tokens,
            return_tensors="pt",
        ).to(self.model.device)
        output = self.model(
            input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"]
        )
        return TextFeatures(
            pooled=output.text_embeds.float(),
            tokens=output.last_hidden_state.float(),
            mask=encoded["attention_mask"].bool(),
        )


def load_text_encoder(
    settings: TextEncoderSettings, device: torch.device, offline: bool
) -> TextEncoder:
    """CLIP's text tower from a hub id or local folder, in the device's dtype."""
    model, tokenizer = load_pretrained(
        CLIPTextModelWithProjection,
        AutoTokenizer,
        settings.model,
        device,
        offline,
        "engine.text_encoder.model",
    )
    return TextEncoder(model, tokenizer, settings.max_tokens)
