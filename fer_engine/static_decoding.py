"""Fast greedy BLIP-2 decoding: a static KV cache per batch bucket and a compiled decode step.

transformers' `generate` grows its cache and runs Python bookkeeping at every token. Here each
bucket (a batch size) owns a preallocated `StaticCache`; the prompt is prefilled eagerly and
every later token is one call of the language model's compiled forward (CUDA graphs on a GPU),
so the same few graphs are replayed. A batch is padded up to its bucket after the vision
encoder (which runs once per real face), and `warm_up` compiles and records every bucket on
blank pixels before any photo arrives. Greedy tokens equal `generate`'s: the model inputs of
each step are built by the model's own `prepare_inputs_for_generation`.
"""

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from transformers import (
    Blip2ForConditionalGeneration,
    EncoderDecoderCache,
    GenerationConfig,
    StaticCache,
)
from transformers.cache_utils import Cache

log = logging.getLogger(__name__)

# Asking "has every row ended?" makes the host wait for the device; asking every few tokens
# costs at most that many extra steps, whose tokens are padding and decode to nothing.
STOP_CHECK_EVERY = 4

# Generation options this loop does not implement. A model whose generation config sets one
# keeps the plain path, so its captions never change with the decoding path.
UNSUPPORTED_OPTIONS = (
    "repetition_penalty",
    "encoder_repetition_penalty",
    "no_repeat_ngram_size",
    "encoder_no_repeat_ngram_size",
    "bad_words_ids",
    "sequence_bias",
    "suppress_tokens",
    "begin_suppress_tokens",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "min_length",
    "exponential_decay_length_penalty",
)


def unsupported_options(config: GenerationConfig) -> list[str]:
    """The options of `config` that the static loop would ignore (empty: it can decode)."""
    defaults = GenerationConfig()
    return [
        name
        for name in UNSUPPORTED_OPTIONS
        if getattr(config, name, None) != getattr(defaults, name, None)
    ]


def batch_buckets(sizes: Sequence[int], max_batch: int) -> tuple[int, ...]:
    """The bucket sizes a batch of at most `max_batch` rows can need: those below it, and it."""
    return tuple(sorted({size for size in sizes if size < max_batch} | {max_batch}))


class StaticDecoder:
    """Greedy decoding of one fixed prompt after BLIP-2's image tokens, in static shapes.

    Not thread-safe: call `warm_up` and `generate` from the one inference thread (CUDA graphs
    are recorded per thread).
    """

    def __init__(
        self,
        model: Blip2ForConditionalGeneration,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        max_new_tokens: int,
        min_new_tokens: int,
        buckets: Sequence[int],
        compile_mode: str | None,
        compile_backend: str | Callable[..., Any] = "inductor",
    ) -> None:
        self.model = model
        self.lm = model.language_model
        self.max_new_tokens = max_new_tokens
        self.min_new_tokens = min_new_tokens
        self.buckets = tuple(sorted(set(buckets)))
        self.compile_mode = compile_mode
        self._input_ids = input_ids.to(model.device)
        self._attention_mask = attention_mask.to(model.device)
        generation = self.lm.generation_config
        eos = generation.eos_token_id
        self._eos = torch.tensor(
            [eos] if isinstance(eos, int) else list(eos or []), device=model.device
        )
        # As `generate` does: rows that ended are filled with pad, or with eos when there is none.
        pad = generation.pad_token_id
        self._pad = pad if pad is not None else int(self._eos[0])
        start = generation.decoder_start_token_id  # T5; `generate` falls back to bos as well
        self._decoder_start = start if start is not None else generation.bos_token_id
        self._caches: dict[int, Cache] = {}
        self.warmup_s: dict[int, float] = {}
        # The module's __call__ is what transformers itself compiles for static-cache generation.
        if compile_mode is None:
            self._step = self.lm.__call__
        elif compile_backend == "inductor":
            self._step = torch.compile(self.lm.__call__, mode=compile_mode)
        else:  # tests trace with the "eager" backend: dynamo's guards without inductor's minutes
            self._step = torch.compile(self.lm.__call__, backend=compile_backend)

    @property
    def encoder_decoder(self) -> bool:
        return bool(self.lm.config.is_encoder_decoder)

    @torch.inference_mode()
    def generate(self, pixels: torch.Tensor, min_new_tokens: int | None = None) -> torch.Tensor:
        """New tokens (rows, steps) for each row of `pixels`; rows that ended early hold pad."""
        embeds = self._prompt_embeds(pixels)
        largest = self.buckets[-1]
        parts = [
            self._decode_padded(embeds[start : start + largest], min_new_tokens)
            for start in range(0, embeds.shape[0], largest)
        ]
        steps = max(part.shape[1] for part in parts)
        return torch.cat(
            [torch.nn.functional.pad(p, (0, steps - p.shape[1]), value=self._pad) for p in parts]
        )

    def warm_up(self) -> float:
        """Compile and record every bucket on blank pixels; seconds it took (also per bucket)."""
        side = self.model.config.vision_config.image_size
        started = time.perf_counter()
        for bucket in self.buckets:
            begun = time.perf_counter()
            blank = torch.zeros(bucket, 3, side, side, device=self.model.device)
            self.generate(blank, min_new_tokens=self.max_new_tokens)
            if self.model.device.type == "cuda":
                torch.cuda.synchronize(self.model.device)
            self.warmup_s[bucket] = time.perf_counter() - begun
            log.info("fast decoding: bucket %d warmed up in %.1f s", bucket, self.warmup_s[bucket])
        return time.perf_counter() - started

    def _prompt_embeds(self, pixels: torch.Tensor) -> torch.Tensor:
        """The prompt embedded, image tokens replaced by the image: as `Blip2.generate` does."""
        model = self.model
        image = model.vision_model(pixels, return_dict=True).last_hidden_state
        image_mask = torch.ones(image.shape[:-1], dtype=torch.long, device=image.device)
        queries = model.query_tokens.expand(image.shape[0], -1, -1)
        query_output = model.qformer(
            query_embeds=queries,
            encoder_hidden_states=image,
            encoder_attention_mask=image_mask,
            return_dict=True,
        ).last_hidden_state
        # The Q-Former is kept in fp32; the language model gets its own dtype.
        language_inputs = model.language_projection(query_output.to(image.dtype))
        input_ids = self._input_ids.expand(pixels.shape[0], -1)
        embeds = model.get_input_embeddings()(input_ids)
        image_tokens = (input_ids == model.config.image_token_id).unsqueeze(-1)
        return embeds.masked_scatter(image_tokens, language_inputs.to(embeds.dtype))

    def _decode_padded(self, embeds: torch.Tensor, min_new_tokens: int | None) -> torch.Tensor:
        rows = embeds.shape[0]
        bucket = next(size for size in self.buckets if size >= rows)
        if bucket > rows:
            filler = embeds[:1].expand(bucket - rows, -1, -1)
            embeds = torch.cat([embeds, filler])
        minimum = self.min_new_tokens if min_new_tokens is None else min_new_tokens
        return self._decode(embeds, minimum)[:rows]

    def _cache(self, batch: int, prompt_length: int) -> Cache:
        cache = self._caches.get(batch)
        if cache is not None:
            cache.reset()
            return cache
        config = self.lm.config
        if self.encoder_decoder:
            cache = EncoderDecoderCache(
                StaticCache(config=config, max_cache_len=self.max_new_tokens + 1),
                StaticCache(config=config, max_cache_len=prompt_length),
            )
        else:
            cache = StaticCache(config=config, max_cache_len=prompt_length + self.max_new_tokens)
        self._caches[batch] = cache
        return cache

    def _decode(self, embeds: torch.Tensor, min_new_tokens: int) -> torch.Tensor:
        """Greedy tokens for a batch of exactly one bucket's size, as `generate` picks them."""
        batch, length = embeds.shape[:2]
        logits, step_inputs = self._prefill(embeds, self._cache(batch, length))
        unfinished = torch.ones(batch, dtype=torch.bool, device=embeds.device)
        tokens = []
        for step in range(self.max_new_tokens):
            scores = logits.to(torch.float32, copy=True)  # compiled outputs are reused buffers
            if step < min_new_tokens:
                scores[:, self._eos] = -float("inf")
            token = torch.where(unfinished, scores.argmax(-1), self._pad)
            unfinished &= ~torch.isin(token, self._eos)
            tokens.append(token)
            last = step == self.max_new_tokens - 1
            if last or ((step + 1) % STOP_CHECK_EVERY == 0 and not bool(unfinished.any())):
                break
            if self.compile_mode is not None:
                # Each step is a new iteration for CUDA graph trees: last step's outputs may go.
                torch.compiler.cudagraph_mark_step_begin()
            logits = self._step(**step_inputs(token[:, None], step)).logits[:, -1]
        return torch.stack(tokens, dim=1)

    def _prefill(
        self, embeds: torch.Tensor, cache: Cache
    ) -> tuple[torch.Tensor, Callable[[torch.Tensor, int], dict[str, Any]]]:
        """Run the prompt through the language model (eagerly: one call per batch) and return
        the last position's logits and how to build the inputs of each later step."""
        batch, length = embeds.shape[:2]
        device = embeds.device
        mask = self._attention_mask.expand(batch, -1)
        prepare = self.lm.prepare_inputs_for_generation
        if self.encoder_decoder:
            encoded = self.lm.get_encoder()(inputs_embeds=embeds, attention_mask=mask)
            extra = {"encoder_outputs": encoded, "use_cache": True}
            start = torch.full((batch, 1), self._decoder_start, dtype=torch.long, device=device)
            inputs = prepare(start, None, cache, mask, None, True, **extra)

            def step_inputs(token: torch.Tensor, step: int) -> dict[str, Any]:
                return prepare(token, None, cache, mask, None, False, **extra)

        else:
            # Every row holds the same prompt: positions and the mask are plain ranges.
            positions = torch.arange(length + self.max_new_tokens, device=device).expand(batch, -1)
            seen = torch.ones(batch, positions.shape[1], dtype=mask.dtype, device=device)
            inputs = prepare(
                self._input_ids.expand(batch, -1), None, cache, mask, embeds, True,
                position_ids=positions[:, :length], use_cache=True,
            )  # fmt: skip

            def step_inputs(token: torch.Tensor, step: int) -> dict[str, Any]:
                end = length + step + 1  # the prompt, the tokens written, and this one
                return prepare(
                    token, None, cache, seen[:, :end], None, False,
                    position_ids=positions[:, end - 1 : end], use_cache=True,
                )  # fmt: skip

        return self.lm(**inputs).logits[:, -1], step_inputs
