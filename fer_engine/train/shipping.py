"""A trained CNN checkpoint made ready to ship: half the bytes, and how it must be served."""

import shutil
from pathlib import Path

from safetensors.torch import load_file, save_file

from fer_engine.checkpoints import CNN_WEIGHTS_FILE, METADATA_FILE, WEIGHTS_FILE


def ship_checkpoint(run: Path, target: Path) -> Path:
    """`run` (a `ferbot train cnn` folder) copied to `target` with its CNN in float16.

    float16 halves what git and the wheel carry; the engine loads it into its float32 model.
    The metadata goes as it is, with how the run reads faces (its crop, flip_tta).
    """
    target.mkdir(parents=True, exist_ok=True)
    state = load_file(run / CNN_WEIGHTS_FILE)
    half = {
        key: value.half() if value.is_floating_point() else value for key, value in state.items()
    }
    save_file(half, target / CNN_WEIGHTS_FILE)
    for file in (WEIGHTS_FILE, METADATA_FILE):
        shutil.copyfile(run / file, target / file)
    return target
