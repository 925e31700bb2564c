import json
from pathlib import Path

import numpy as np
import torch

from fer_engine.faceapi.weights import load_quantized, read_manifest, save_quantized


def write_manifest(folder: Path) -> None:
    """A two-tensor TF.js model: a uint8-quantized kernel, then a plain float32 bias."""
    entries = [
        {
            "name": "conv/weights",
            "shape": [1, 1, 2, 3],
            "dtype": "float32",
            "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1.0},
        },
        {"name": "conv/bias", "shape": [3], "dtype": "float32"},
    ]
    (folder / "model-weights_manifest.json").write_text(
        json.dumps([{"paths": ["model.bin"], "weights": entries}])
    )
    quantized = np.arange(6, dtype=np.uint8).tobytes()
    bias = np.array([0.25, -2.0, 7.5], dtype=np.float32).tobytes()
    (folder / "model.bin").write_bytes(quantized + bias)


def test_quantized_values_are_q_times_scale_plus_min(tmp_path: Path) -> None:
    write_manifest(tmp_path)
    tensors = read_manifest(tmp_path / "model-weights_manifest.json")
    assert tensors["conv/weights"].values().ravel().tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5]


def test_tensors_after_a_quantized_one_are_read_at_the_right_offset(tmp_path: Path) -> None:
    write_manifest(tmp_path)
    tensors = read_manifest(tmp_path / "model-weights_manifest.json")
    assert tensors["conv/bias"].values().tolist() == [0.25, -2.0, 7.5]


def test_saved_files_keep_uint8_and_load_the_same_float_values(tmp_path: Path) -> None:
    write_manifest(tmp_path)
    tensors = read_manifest(tmp_path / "model-weights_manifest.json")
    kernel = tensors["conv/weights"]
    layout = kernel.raw.transpose(3, 2, 0, 1)
    save_quantized(
        tmp_path / "out.safetensors",
        {"w": (layout, kernel), "b": (tensors["conv/bias"].raw, tensors["conv/bias"])},
    )
    state = load_quantized(tmp_path / "out.safetensors")
    assert torch.equal(state["w"], torch.from_numpy(kernel.values().transpose(3, 2, 0, 1).copy()))
    assert state["b"].tolist() == [0.25, -2.0, 7.5]
    assert (tmp_path / "out.safetensors").stat().st_size < 1000
