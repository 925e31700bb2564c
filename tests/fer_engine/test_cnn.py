from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image
from safetensors.torch import save_file

from fer_engine.cnn import load_cnn, preprocess_crop
from fer_engine.errors import ModelUnavailable
from fer_engine.settings import CnnSettings


@pytest.mark.parametrize(
    ("arch", "pooled", "token"),
    [("densenet121", 1024, 1024), ("resnet18", 512, 512), ("vgg16", 4096, 512)],
)
def test_each_backbone_gives_its_published_feature_width(
    arch: str, pooled: int, token: int
) -> None:
    cnn = load_cnn(CnnSettings(arch=arch, weights="none", input_size=64), offline=True)
    with torch.no_grad():
        features, tokens = cnn(torch.randn(2, 3, 64, 64))
    assert features.shape == (2, pooled)
    assert tokens.shape == (2, 9, token)


def test_checkpoint_weights_are_the_ones_used(tmp_path: Path) -> None:
    trained = torchvision.models.resnet18(weights=None, num_classes=7)  # a 7-class fine-tune
    save_file(trained.state_dict(), tmp_path / "cnn.safetensors")
    settings = CnnSettings(
        arch="resnet18", weights=str(tmp_path / "cnn.safetensors"), input_size=64
    )
    cnn = load_cnn(settings, offline=True)
    assert torch.equal(cnn.model.conv1.weight, trained.conv1.weight)


def test_a_checkpoint_of_another_architecture_is_refused(tmp_path: Path) -> None:
    save_file(torchvision.models.resnet18(weights=None).state_dict(), tmp_path / "r18.safetensors")
    settings = CnnSettings(
        arch="densenet121", weights=str(tmp_path / "r18.safetensors"), input_size=64
    )
    with pytest.raises(ModelUnavailable, match=r"engine\.cnn\.weights"):
        load_cnn(settings, offline=True)


def test_a_missing_checkpoint_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="FERBOT_ENGINE__CNN__WEIGHTS"):
        settings = CnnSettings(arch="densenet121", weights=str(tmp_path / "missing.safetensors"))
        load_cnn(settings, offline=True)


def test_offline_imagenet_weights_not_in_the_cache_name_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with pytest.raises(ModelUnavailable, match=r"not in .* engine\.offline is set"):
        load_cnn(CnnSettings(arch="densenet121", weights="imagenet"), offline=True)


def test_a_blur_sigma_low_passes_the_crop_before_the_cnn() -> None:
    stripes = Image.fromarray(((np.indices((48, 48))[1] % 2) * 255).astype(np.uint8)).convert("RGB")
    sharp, blurred = (preprocess_crop(stripes, 48, sigma) for sigma in (0.0, 2.0))
    assert blurred.std() < 0.1 * sharp.std()


def test_the_bundled_expression_net_refuses_a_blur() -> None:
    with pytest.raises(ValueError, match="blur_sigma"):
        CnnSettings(blur_sigma=1.0)
