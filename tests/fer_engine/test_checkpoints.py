import json
from pathlib import Path

import pytest
import torch

from fer_engine.checkpoints import METADATA_FILE, HeadMetadata, load_head, save_head
from fer_engine.emotions import EMOTIONS, reorder_to_emotions
from fer_engine.errors import CheckpointMismatch, ModelUnavailable
from fer_engine.heads import HeadInputs, HeadSpec, build_head
from fer_engine.loading import load_pipeline
from fer_engine.settings import EngineSettings
from tests.conftest import with_head

SPEC = HeadSpec(
    kind="gated", image_dim=8, image_token_dim=8, text_dim=4, text_token_dim=4, hidden=8
)


def metadata(**changes: object) -> HeadMetadata:
    return HeadMetadata(spec=SPEC, cnn_arch="resnet18", cnn_input_size=64, **changes)


def test_a_saved_head_loads_with_identical_outputs(tmp_path: Path) -> None:
    head = build_head(SPEC).eval()
    save_head(tmp_path, head, metadata())
    x = HeadInputs(
        image=torch.randn(2, 8), image_tokens=torch.randn(2, 3, 8), text=torch.randn(2, 4)
    )
    with torch.no_grad():
        assert torch.equal(head(x), load_head(tmp_path).module(x))


def test_a_missing_checkpoint_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match=r"engine\.head\.checkpoint"):
        load_head(tmp_path / "nowhere")


def test_a_head_for_other_classes_is_refused(tmp_path: Path) -> None:
    save_head(tmp_path, build_head(SPEC), metadata(classes=tuple(reversed(EMOTIONS))))
    with pytest.raises(CheckpointMismatch, match="predicts"):
        load_head(tmp_path)


def test_metadata_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    save_head(tmp_path, build_head(SPEC), metadata())
    (tmp_path / METADATA_FILE).write_text(json.dumps({"classes": list(EMOTIONS)}))
    with pytest.raises(CheckpointMismatch, match="not ferbot head metadata"):
        load_head(tmp_path)


def test_the_engine_refuses_a_head_trained_on_another_cnn(tiny_settings: EngineSettings) -> None:
    cnn = tiny_settings.cnn.model_copy(update={"arch": "densenet121", "weights": "none"})
    with pytest.raises(CheckpointMismatch, match="head trained on resnet18"):
        load_pipeline(tiny_settings.model_copy(update={"cnn": cnn}))


def test_the_engine_refuses_a_head_trained_at_another_input_size(
    tiny_settings: EngineSettings,
) -> None:
    cnn = tiny_settings.cnn.model_copy(update={"input_size": 96})
    with pytest.raises(CheckpointMismatch, match="input size 64"):
        load_pipeline(tiny_settings.model_copy(update={"cnn": cnn}))


def test_the_engine_refuses_a_head_trained_with_another_captioner(
    tiny_settings: EngineSettings, tiny_models: Path
) -> None:
    captioner = tiny_settings.captioner.model_copy(update={"model": str(tiny_models / "blip2-opt")})
    with pytest.raises(CheckpointMismatch, match="captioner"):
        load_pipeline(tiny_settings.model_copy(update={"captioner": captioner}))


def test_the_engine_refuses_a_head_trained_with_another_prompt(
    tiny_settings: EngineSettings,
) -> None:
    captioner = tiny_settings.captioner.model_copy(update={"prompt": "Describe the face."})
    with pytest.raises(CheckpointMismatch, match="prompt"):
        load_pipeline(tiny_settings.model_copy(update={"captioner": captioner}))


def test_cnn_mode_refuses_a_fusion_head(tiny_settings: EngineSettings) -> None:
    with pytest.raises(CheckpointMismatch, match=r"engine\.mode is 'cnn'"):
        load_pipeline(tiny_settings.model_copy(update={"mode": "cnn"}))


def test_fusion_mode_refuses_a_cnn_head(tiny_settings: EngineSettings, tiny_models: Path) -> None:
    settings = with_head(tiny_settings, tiny_models, "cnn").model_copy(update={"mode": "fusion"})
    with pytest.raises(CheckpointMismatch, match=r"engine\.mode is 'fusion'"):
        load_pipeline(settings)


def test_another_label_order_maps_onto_ours() -> None:
    faceapi = ["neutral", "happy", "sad", "angry", "fearful", "disgusted", "surprised"]
    scores = torch.arange(7.0)  # score i belongs to faceapi[i]
    mapped = scores[reorder_to_emotions(faceapi)]
    assert dict(zip(EMOTIONS, mapped.tolist(), strict=True)) == {
        "surprise": 6.0,
        "fear": 4.0,
        "disgust": 5.0,
        "happy": 1.0,
        "sad": 2.0,
        "angry": 3.0,
        "neutral": 0.0,
    }
