"""BLIP-2 captions: one sentence about the emotion of each face crop, generated in batches."""

import functools
from collections.abc import Callable

import torch
from PIL import Image
from transformers import Blip2ForConditionalGeneration, Blip2Processor

from fer_engine.hub import load_pretrained, unavailable
from fer_engine.settings import CaptionerSettings


class Captioner:
    """Greedy BLIP-2 captioning of face crops with one fixed prompt.

    The prompt is tokenised once; each batch only stacks pixels and repeats the prompt, so
    every row of a batch has the same length and batching never changes a caption.
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

    @property
    def device(self) -> torch.device:
        return self.model.device

    def preprocess(self, crop: Image.Image) -> torch.Tensor:
        """A face crop as the (3, H, W) pixel tensor BLIP-2's vision encoder expects."""
        return caption_pixels(self.processor, crop)

    @torch.inference_mode()
    def caption(self, pixels: torch.Tensor) -> list[str]:
        """One caption per row of `pixels` (batch, 3, H, W), already on the model's device."""
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
        if not self.model.config.text_config.is_encoder_decoder:
            # Decoder-only language models (OPT) echo the prompt before the answer.
            generated = generated[:, input_ids.shape[1] :]
        texts = self.processor.tokenizer.batch_decode(generated, skip_special_tokens=True)
        return [text.strip() for text in texts]


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
