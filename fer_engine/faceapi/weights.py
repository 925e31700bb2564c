"""Reading TF.js weight manifests, and the compact safetensors files the bundled models ship in.

TF.js stores most face-api tensors as uint8 with a per-tensor `scale` and `min`
(value = q * scale + min). The bundled files keep those bytes (a quarter of float32's size),
already in PyTorch's layout, with the scale and min in the file's metadata; loading
dequantizes them the way TF.js does: in double precision, rounded once to float32.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import save_file

_QUANTIZATION_KEY = "quantization"
_DTYPES = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8, "uint16": np.uint16}


@dataclass(frozen=True)
class TfjsTensor:
    """One tensor of a TF.js manifest, as stored: raw values and its quantization, if any."""

    name: str
    raw: np.ndarray
    scale: float | None = None
    minimum: float | None = None

    @property
    def quantized(self) -> bool:
        return self.scale is not None

    def values(self) -> np.ndarray:
        """Dequantized float32 values (float64 arithmetic, as JavaScript numbers are)."""
        if not self.quantized:
            return self.raw
        return (self.raw.astype(np.float64) * self.scale + self.minimum).astype(np.float32)


def read_manifest(manifest: Path) -> dict[str, TfjsTensor]:
    """Every tensor of a TF.js `*-weights_manifest.json` and the shards it names."""
    tensors = {}
    for group in json.loads(manifest.read_text()):
        data = b"".join((manifest.parent / path).read_bytes() for path in group["paths"])
        offset = 0
        for entry in group["weights"]:
            count = int(np.prod(entry["shape"], dtype=np.int64))
            quantization = entry.get("quantization")
            stored = np.dtype(_DTYPES[quantization["dtype"] if quantization else entry["dtype"]])
            size = count * stored.itemsize
            raw = np.frombuffer(data[offset : offset + size], dtype=stored).reshape(entry["shape"])
            offset += size
            tensors[entry["name"]] = TfjsTensor(
                name=entry["name"],
                raw=raw.copy(),
                scale=quantization["scale"] if quantization else None,
                minimum=quantization["min"] if quantization else None,
            )
        if offset != len(data):
            raise ValueError(
                f"{manifest}: manifest describes {offset} bytes, shards hold {len(data)}"
            )
    return tensors


def save_quantized(path: Path, tensors: dict[str, tuple[np.ndarray, TfjsTensor]]) -> None:
    """Write `{name: (raw values in torch layout, source)}`, keeping uint8 where quantized."""
    quantization = {
        name: [source.scale, source.minimum]
        for name, (_, source) in tensors.items()
        if source.quantized
    }
    arrays = {
        name: torch.from_numpy(np.ascontiguousarray(raw)) for name, (raw, _) in tensors.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(arrays, path, metadata={_QUANTIZATION_KEY: json.dumps(quantization)})


def load_quantized(path: Path) -> dict[str, torch.Tensor]:
    """A state dict of float32 tensors from `save_quantized`'s files (or plain safetensors)."""
    state = {}
    with safe_open(path, framework="np") as file:
        metadata = file.metadata() or {}
        quantization = json.loads(metadata.get(_QUANTIZATION_KEY, "{}"))
        for name in file.keys():  # noqa: SIM118 - safe_open is not a mapping
            raw = file.get_tensor(name)
            if name in quantization:
                scale, minimum = quantization[name]
                raw = TfjsTensor(name, raw, scale, minimum).values()
            state[name] = torch.from_numpy(np.asarray(raw, dtype=np.float32).copy())
    return state
