"""BLIP-2 captions: one sentence about the emotion of each face crop, generated in batches."""

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any

import torch
from PIL import Image
from transformers import Blip2ForConditionalGeneration, Blip2Processor

from fer_engine.hub import load_pretrained, unavailable
from fer_engine.settings import CaptionerSettings
from fer_engine.static_decoding import StaticDecoder, unsupported_options

log = logging.getLogger(__name__)


class Captioner:
    """Greedy BLIP-2 captioning of face crops with one fixed prompt.

    The prompt is tokenised once; each batch only stacks pixels and repeats the prompt, so
    every row of a batch has the same length and batching never changes a caption. Decoding
    is transformers' `generate` (plain) until `use_static_decoding` switches on the fast path,
    which writes the same greedy tokens.
    """

    def __init__(
        self,
        model: Blip2ForConditionalGeneration,
        processor: Blip2Processor,
        prompt: str,
        max_new_tokens: int,
        min_new_tokens: int = 0,
    ) -> None:
        self.model = model.eval()
        self.processor = processor
        self.prompt = prompt
        self.max_new_tokens = max_new_tokens
        # Benchmarks force a fixed number of tokens; the service lets the model stop early.
        self.min_new_tokens = min_new_tokens
        blank = Image.new("RGB", (8, 8))
        encoded = processor(images=blank, text=prompt, return_tensors="pt")
        self._input_ids = encoded["input_ids"]
        self._attention_mask = encoded["attention_mask"]
        self.static: StaticDecoder | None = None

    @property
    def decoding(self) -> str:
        """ "fast" (static cache, maybe compiled) or "plain" (`generate`), for logs and stats."""
        return "plain" if self.static is None else "fast"

    def use_static_decoding(
        self,
        buckets: Sequence[int],
        compile_mode: str | None,
        compile_backend: str | Callable[..., Any] = "inductor",
    ) -> bool:
        """Switch to the fast path with these batch buckets; False (and a log line) if this
        model's generation config asks for something the fast path does not do."""
        unsupported = unsupported_options(self.model.language_model.generation_config)
        if unsupported:
            log.warning("fast decoding not used: the generation config sets %s", unsupported)
            return False
        self.static = StaticDecoder(
            self.model,
            self._input_ids,
            self._attention_mask,
            self.max_new_tokens,
            self.min_new_tokens,
            buckets,
            compile_mode,
            compile_backend,
        )
        return True

    def warm_up(self) -> float:
        """Compile and record every batch bucket of the fast path (seconds; 0 when plain).

        A fast path that fails here (a compiler missing on this machine, a kernel that will not
        build) is dropped with a logged traceback: captions then come from plain `generate`,
        and the engine still starts.
        """
        if self.static is None:
            return 0.0
        try:
            return self.static.warm_up()
        except Exception:
            log.exception("fast decoding failed to warm up; captions use plain generate")
            self.static = None
            return 0.0

    @property
    def device(self) -> torch.device:
        return self.model.device

    def preprocess(self, crop: Image.Image) -> torch.Tensor:
        """A face crop as the (3, H, W) pixel tensor BLIP-2's vision encoder expects."""
        return caption_pixels(self.processor, crop)

    def caption(self, pixels: torch.Tensor) -> list[str]:
        """One caption per row of `pixels` (batch, 3, H, W), already on the model's device."""
        texts = self.processor.tokenizer.batch_decode(self.tokens(pixels), skip_special_tokens=True)
        return [text.strip() for text in texts]

    @torch.inference_mode()
    def tokens(self, pixels: torch.Tensor) -> torch.Tensor:
        """The new tokens of each row's caption (rows that ended early are padded)."""
        if self.static is not None:
            return self.static.generate(pixels)
        batch = pixels.shape[0]
        input_ids = self._input_ids.to(self.device).expand(batch, -1)
        attention_mask = self._attention_mask.to(self.device).expand(batch, -1)
        generated = self.model.generate(
            pixel_values=pixels,  # the vision tower casts them to its own dtype
            input_ids=input_ids,
            attention_mask=attention_mask,
            max_new_tokens=self.max_new_tokens,
            min_new_tokens=self.min_new_tokens,
            do_sample=False,
            num_beams=1,
        )
        if self.model.config.text_config.is_encoder_decoder:
            return generated[:, 1:]  # the decoder's start token
        # Decoder-only language models (OPT) echo the prompt before the answer.
        return generated[:, input_ids.shape[1] :]


def load_captioner(settings: CaptionerSettings, device: torch.device, offline: bool) -> Captioner:
    """BLIP-2 from a hub id or local folder, in the device's dtype."""
    model, processor = load_pretrained(
        Blip2ForConditionalGeneration,
        Blip2Processor,
        settings.model,
        device,
        offline,
        "engine.captioner.model",
    )
    return Captioner(model, processor, settings.prompt, settings.max_new_tokens)


def caption_pixels(processor: Blip2Processor, crop: Image.Image) -> torch.Tensor:
    """A face crop as the (3, H, W) pixel tensor BLIP-2's vision encoder expects."""
    return processor.image_processor(crop, return_tensors="pt")["pixel_values"][0]


def load_caption_preprocess(
    settings: CaptionerSettings, offline: bool
) -> Callable[[Image.Image], torch.Tensor]:
    """BLIP-2's image preprocessing alone, without the model: for cutting faces out apart
    from where they are captioned."""
    try:
        processor = Blip2Processor.from_pretrained(settings.model, local_files_only=offline)
    except (OSError, ValueError) as exc:
        raise unavailable(Blip2Processor, settings.model, exc, "engine.captioner.model") from exc
    return functools.partial(caption_pixels, processor)
