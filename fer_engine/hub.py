"""Loading models by hub id or local folder: the dtype each device gets, failures as one line."""

from typing import Any

import torch

from fer_engine.errors import ModelUnavailable


def model_dtype(device: torch.device) -> torch.dtype:
    """bf16 on CUDA (fast, no fp16 overflow), fp32 on the CPU (bf16 is slow there)."""
    return torch.bfloat16 if device.type == "cuda" else torch.float32


def load_pretrained(
    model_class: Any,
    companion_class: Any,
    model_id: str,
    device: torch.device,
    offline: bool,
    setting: str,
) -> tuple[Any, Any]:
    """A model and its processor or tokenizer via `from_pretrained`, on `device`.

    Offline, only local folders and the cache are read. Any failure (missing folder, unknown
    id, no network) becomes a `ModelUnavailable` naming `setting`.
    """
    try:
        companion = companion_class.from_pretrained(model_id, local_files_only=offline)
        model = model_class.from_pretrained(
            model_id, dtype=model_dtype(device), local_files_only=offline
        )
    except (OSError, ValueError) as exc:
        raise unavailable(model_class, model_id, exc, setting) from exc
    return model.to(device), companion


def unavailable(what: Any, model_id: str, exc: Exception, setting: str) -> ModelUnavailable:
    """The start-up error for a model or processor `from_pretrained` could not load."""
    return ModelUnavailable(
        f"{what.__name__} {model_id!r} could not be loaded ({exc})",
        setting,
        "a hub id or a local folder holding that model",
    )
