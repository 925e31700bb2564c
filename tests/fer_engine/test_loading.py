from pathlib import Path

import pytest
import torch

from fer_engine.captioner import load_captioner
from fer_engine.errors import ModelUnavailable
from fer_engine.faceapi.bundled import WEIGHTS
from fer_engine.loading import head_folder, load_pipeline, resolve_device
from fer_engine.settings import CaptionerSettings, EngineSettings, TextEncoderSettings
from fer_engine.text_encoder import load_text_encoder

CPU = torch.device("cpu")


def test_a_missing_captioner_fails_in_one_line_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable) as caught:
        load_captioner(CaptionerSettings(model=str(tmp_path / "no-blip2")), CPU, offline=True)
    message = str(caught.value)
    assert "engine.captioner.model" in message and "FERBOT_ENGINE__CAPTIONER__MODEL" in message
    assert "\n" not in message


def test_an_unknown_hub_id_offline_fails_naming_the_setting() -> None:
    with pytest.raises(ModelUnavailable, match="FERBOT_ENGINE__TEXT_ENCODER__MODEL"):
        load_text_encoder(TextEncoderSettings(model="nobody/no-such-clip"), CPU, offline=True)


def test_a_missing_head_fails_before_any_model_loads(
    tiny_settings: EngineSettings, tmp_path: Path
) -> None:
    captioner = tiny_settings.captioner.model_copy(update={"model": str(tmp_path / "absent")})
    head = tiny_settings.head.model_copy(update={"checkpoint": tmp_path / "no-head"})
    settings = tiny_settings.model_copy(update={"captioner": captioner, "head": head})
    with pytest.raises(ModelUnavailable, match=r"engine\.head\.checkpoint"):
        load_pipeline(settings)


@pytest.mark.parametrize("family", ["opt", "t5"])
def test_both_blip2_families_caption_a_batch_without_echoing_the_prompt(
    tiny_models: Path, family: str
) -> None:
    settings = CaptionerSettings(model=str(tiny_models / f"blip2-{family}"), max_new_tokens=6)
    captioner = load_captioner(settings, CPU, offline=True)
    captions = captioner.caption(torch.randn(3, 3, 32, 32))
    assert len(captions) == 3
    assert all(caption and "Question" not in caption for caption in captions)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_cuda_without_a_gpu_names_the_setting() -> None:
    with pytest.raises(ModelUnavailable, match=r"engine\.device"):
        resolve_device("cuda")


def test_a_bare_name_is_a_checkpoint_shipped_in_the_package() -> None:
    assert head_folder("fer2013-fer_vgg") == WEIGHTS / "fer2013-fer_vgg"


def test_a_folder_that_exists_is_taken_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fer2013-fer_vgg").mkdir()
    assert head_folder("fer2013-fer_vgg") == Path("fer2013-fer_vgg")
