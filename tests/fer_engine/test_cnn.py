from pathlib import Path

import pytest
import torch
import torchvision
from PIL import Image
from safetensors.torch import save_file

from fer_engine.cnn import load_cnn, preprocess_crop
from fer_engine.errors import ModelUnavailable
from fer_engine.faces import FaceBox
from fer_engine.fer_vgg import build_fer_vgg
from fer_engine.settings import CnnSettings


@pytest.mark.parametrize(
    ("arch", "pooled", "token"),
    [
        ("densenet121", 1024, 1024),
        ("resnet18", 512, 512),
        ("vgg16", 4096, 512),
        ("fer_vgg", 256, 256),
    ],
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


def test_a_fer_vgg_checkpoint_is_rebuilt_at_the_width_it_was_saved_with(tmp_path: Path) -> None:
    save_file(build_fer_vgg(width=8).state_dict(), tmp_path / "cnn.safetensors")
    settings = CnnSettings(arch="fer_vgg", weights=str(tmp_path / "cnn.safetensors"), input_size=48)
    assert load_cnn(settings, offline=True).pooled_dim == 64


def test_fer_vgg_has_no_imagenet_weights_to_ask_for() -> None:
    with pytest.raises(ValueError, match="fer_vgg has no ImageNet weights"):
        CnnSettings(arch="fer_vgg", weights="imagenet", input_size=48)


def test_a_net_trained_on_grey_faces_reads_a_colour_photo_as_grey() -> None:
    cnn = load_cnn(CnnSettings(arch="fer_vgg", weights="none", input_size=48), offline=True)
    red = Image.new("RGB", (60, 60), (200, 30, 30))
    pixels = cnn.preprocess(red, FaceBox(0, 0, 60, 60, 1.0), margin=0.0)
    grey = preprocess_crop(red.convert("L").convert("RGB"), 48)
    assert torch.equal(pixels, grey)


def test_with_flip_tta_a_face_and_its_mirror_image_get_the_same_features() -> None:
    settings = CnnSettings(arch="fer_vgg", weights="none", input_size=48, flip_tta=True)
    cnn = load_cnn(settings, offline=True)
    faces = torch.randn(2, 3, 48, 48)
    with torch.no_grad():
        pooled, _ = cnn(faces)
        mirrored, _ = cnn(faces.flip(-1))
    assert torch.allclose(pooled, mirrored, atol=1e-5)


def test_the_bundled_expression_net_refuses_flip_tta() -> None:
    with pytest.raises(ValueError, match="flip_tta"):
        CnnSettings(flip_tta=True)
