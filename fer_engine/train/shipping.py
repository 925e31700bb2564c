"""A trained CNN checkpoint made ready to ship: half the bytes, and how it must be served."""

import shutil
from pathlib import Path

from safetensors.torch import load_file, save_file

from fer_engine.checkpoints import CNN_WEIGHTS_FILE, METADATA_FILE, WEIGHTS_FILE, HeadMetadata


def ship_checkpoint(run: Path, target: Path, serve_blur: float = 0.0) -> Path:
    """`run` (a `ferbot train cnn` folder) copied to `target` with its CNN in float16.

    float16 halves what git and the wheel carry; the engine loads it into its float32 model.
    `serve_blur` (a Gaussian sigma in pixels at the CNN's input size) goes into the metadata,
    and the engine then low-passes every crop before this CNN: for a CNN whose training faces
    were blurrier than the photos it will serve.
    """
    target.mkdir(parents=True, exist_ok=True)
    state = load_file(run / CNN_WEIGHTS_FILE)
    half = {
        key: value.half() if value.is_floating_point() else value for key, value in state.items()
    }
    save_file(half, target / CNN_WEIGHTS_FILE)
    shutil.copyfile(run / WEIGHTS_FILE, target / WEIGHTS_FILE)
    metadata = HeadMetadata.model_validate_json((run / METADATA_FILE).read_text())
    if serve_blur:
        training = {**metadata.training, "serve_blur_sigma": serve_blur}
        metadata = metadata.model_copy(update={"training": training})
    (target / METADATA_FILE).write_text(metadata.model_dump_json(indent=2) + "\n")
    return target
