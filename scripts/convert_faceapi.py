"""Convert face-api.js's TF.js weights into the safetensors files ferbot bundles.

    npm pack @vladmandic/face-api && tar xzf vladmandic-face-api-*.tgz
    python scripts/convert_faceapi.py package/

Reads model/ssd_mobilenetv1_model and model/face_expression_model (manifests + .bin shards),
reorders kernels into PyTorch's layouts (conv HWIO -> OIHW, depthwise HWC1 -> C1HW), keeps
the uint8 quantisation (the files stay small; loading dequantizes exactly as TF.js does),
turns the expression classifier into a `cnn` head in ferbot's class order, and writes
everything with a licence file into fer_engine/weights/.
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from licence_sections import write_section

from fer_engine.checkpoints import HeadMetadata, save_head
from fer_engine.emotions import reorder_to_emotions
from fer_engine.faceapi.bundled import (
    EXPRESSION_HEAD,
    EXPRESSION_WEIGHTS,
    SSD_WEIGHTS,
    WEIGHTS,
    load_expression_features,
    load_ssd,
)
from fer_engine.faceapi.expression_net import FEATURES, INPUT_SIZE
from fer_engine.faceapi.weights import TfjsTensor, read_manifest, save_quantized
from fer_engine.heads import HeadSpec, build_head

FACEAPI_LABELS = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]
Layout = Callable[[np.ndarray], np.ndarray]


def conv_kernel(raw: np.ndarray) -> np.ndarray:
    return raw.transpose(3, 2, 0, 1)  # HWIO -> OIHW


def depthwise_kernel(raw: np.ndarray) -> np.ndarray:
    return raw.transpose(2, 3, 0, 1)  # H W C 1 -> C 1 H W


def as_is(raw: np.ndarray) -> np.ndarray:
    return raw


class StateBuilder:
    """Collects `ours <- theirs` tensors, each moved into PyTorch's layout."""

    def __init__(self, tensors: dict[str, TfjsTensor]) -> None:
        self.tensors = tensors
        self.state: dict[str, tuple[np.ndarray, TfjsTensor]] = {}

    def put(self, ours: str, theirs: str, layout: Layout = as_is) -> None:
        source = self.tensors[theirs]
        self.state[ours] = (layout(source.raw), source)


def ssd_state(tensors: dict[str, TfjsTensor]) -> dict[str, tuple[np.ndarray, TfjsTensor]]:
    build = StateBuilder(tensors)
    build.put("conv_0.weight", "MobilenetV1/Conv2d_0_pointwise/weights", conv_kernel)
    build.put("conv_0.offset", "MobilenetV1/Conv2d_0_pointwise/convolution_bn_offset")
    for index in range(1, 14):
        ours, depthwise = f"pairs.{index - 1}", f"MobilenetV1/Conv2d_{index}_depthwise"
        build.put(f"{ours}.depthwise.weight", f"{depthwise}/depthwise_weights", depthwise_kernel)
        for name, tf_name in [
            ("scale", "gamma"),
            ("offset", "beta"),
            ("mean", "moving_mean"),
            ("variance", "moving_variance"),
        ]:
            build.put(f"{ours}.depthwise.{name}", f"{depthwise}/BatchNorm/{tf_name}")
        pointwise = f"MobilenetV1/Conv2d_{index}_pointwise"
        build.put(f"{ours}.pointwise.weight", f"{pointwise}/weights", conv_kernel)
        build.put(f"{ours}.pointwise.offset", f"{pointwise}/convolution_bn_offset")
    for index in range(8):
        pointwise = f"Prediction/Conv2d_{index}_pointwise"
        build.put(f"prediction.{index}.weight", f"{pointwise}/weights", conv_kernel)
        build.put(f"prediction.{index}.offset", f"{pointwise}/convolution_bn_offset")
    for index in range(6):
        for ours, theirs in [
            ("box_encoding", "BoxEncodingPredictor"),
            ("classes", "ClassPredictor"),
        ]:
            source = f"Prediction/BoxPredictor_{index}/{theirs}"
            build.put(f"box_predictors.{index}.{ours}.weight", f"{source}/weights", conv_kernel)
            build.put(f"box_predictors.{index}.{ours}.bias", f"{source}/biases")
    build.put("anchors", "Output/extra_dim", lambda raw: raw.reshape(-1, 4))
    return build.state


def expression_state(tensors: dict[str, TfjsTensor]) -> dict[str, tuple[np.ndarray, TfjsTensor]]:
    build = StateBuilder(tensors)
    build.put("dense.0.conv0.filters", "dense0/conv0/filters", conv_kernel)
    build.put("dense.0.conv0.bias", "dense0/conv0/bias")
    for block in range(4):
        for conv in range(1 if block == 0 else 0, 4):
            prefix, ours = f"dense{block}/conv{conv}", f"dense.{block}.conv{conv}"
            build.put(f"{ours}.depthwise", f"{prefix}/depthwise_filter", depthwise_kernel)
            build.put(f"{ours}.pointwise", f"{prefix}/pointwise_filter", conv_kernel)
            build.put(f"{ours}.bias", f"{prefix}/bias")
    return build.state


def save_expression_head(tensors: dict[str, TfjsTensor], folder: Path) -> None:
    """face-api's fc layer (x @ W + b, face-api's label order) as a `cnn` head in ours."""
    order = reorder_to_emotions(FACEAPI_LABELS)
    weight = torch.from_numpy(tensors["fc/weights"].values().T[order].copy())
    bias = torch.from_numpy(tensors["fc/bias"].values()[order].copy())
    spec = HeadSpec(kind="cnn", image_dim=FEATURES, image_token_dim=FEATURES, dropout=0.0)
    head = build_head(spec)
    head.load_state_dict({"classifier.1.weight": weight, "classifier.1.bias": bias})
    metadata = HeadMetadata(
        spec=spec,
        cnn_arch="faceapi_expression",
        cnn_input_size=INPUT_SIZE,
        training={
            "source": "face-api.js face_expression_model (npm @vladmandic/face-api), MIT",
            "converted_by": "scripts/convert_faceapi.py",
            "label_order_of_source": FACEAPI_LABELS,
        },
        created="1970-01-01T00:00:00+00:00",  # fixed, so reconverting changes no bytes
    )
    save_head(folder, head, metadata)


LICENCE = """# Bundled face-api.js models

`ssd_mobilenetv1.safetensors`, `faceapi_expression.safetensors` and `expression_head/` are
the SSD MobileNetV1 face detector and the face expression model of face-api.js, converted by
`scripts/convert_faceapi.py` from the npm package `@vladmandic/face-api` {version}
(`model/ssd_mobilenetv1_model*`, `model/face_expression_model*`); the original models are by
Vincent Mühler (face-api.js), maintained in that package by Vladimir Mandic. Tensor values are
unchanged (the uint8 quantisation is kept); only layouts and the class order were changed.

{licence}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package folder")
    args = parser.parse_args()
    models = args.package / "model"
    version = json.loads((args.package / "package.json").read_text())["version"]

    save_quantized(
        SSD_WEIGHTS,
        ssd_state(read_manifest(models / "ssd_mobilenetv1_model-weights_manifest.json")),
    )
    expression = read_manifest(models / "face_expression_model-weights_manifest.json")
    save_quantized(EXPRESSION_WEIGHTS, expression_state(expression))
    save_expression_head(expression, EXPRESSION_HEAD)
    licence = (args.package / "LICENSE").read_text()
    write_section(WEIGHTS / "LICENSE.md", LICENCE.format(version=version, licence=licence))

    load_ssd(torch.device("cpu"))  # strict loading: every tensor found its place
    load_expression_features(token_grid=1)
    for path in (SSD_WEIGHTS, EXPRESSION_WEIGHTS, EXPRESSION_HEAD / "head.safetensors"):
        print(f"{path.relative_to(WEIGHTS.parent.parent)}: {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
