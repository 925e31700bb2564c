"""Which decoding path and compile mode a device gets, and switching a captioner to them."""

import logging

import torch

from fer_engine.captioner import Captioner
from fer_engine.settings import AccelerationSettings
from fer_engine.static_decoding import batch_buckets

log = logging.getLogger(__name__)


def decoding_path(settings: AccelerationSettings, device: torch.device) -> str:
    """`auto` is the fast path on CUDA only (the `AccelerationSettings` docstring says why)."""
    if settings.decoding == "auto":
        return "fast" if device.type == "cuda" else "plain"
    return settings.decoding


def compile_mode(settings: AccelerationSettings, device: torch.device) -> str | None:
    """`auto` is CUDA graphs on CUDA, where a decode step is mostly kernel launches; no
    compiling on a CPU. None means the static-cache loop runs eagerly."""
    if settings.compile_mode == "auto":
        return "reduce-overhead" if device.type == "cuda" else None
    return None if settings.compile_mode == "off" else settings.compile_mode


def accelerate(
    captioner: Captioner, settings: AccelerationSettings, max_batch: int, device: torch.device
) -> None:
    """Put `captioner` on the path `settings` choose for `device`, with buckets up to
    `max_batch`; it stays plain when the fast path cannot give the same captions."""
    if decoding_path(settings, device) == "plain":
        log.info("captions: plain generate on %s", device)
        return
    mode = compile_mode(settings, device)
    buckets = batch_buckets(settings.batch_buckets, max_batch)
    if captioner.use_static_decoding(buckets, mode):
        log.info(
            "captions: fast path on %s (static cache, compile %s, buckets %s, attention %s)",
            device,
            mode or "off",
            list(buckets),
            captioner.model.config.text_config._attn_implementation,
        )
