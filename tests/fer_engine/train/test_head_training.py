from collections import Counter
from pathlib import Path

import pytest
import torch

from fer_engine.heads import HeadInputs
from fer_engine.train.datasets import load_split
from fer_engine.train.features import (
    SHARD_PREFIX,
    FeatureTable,
    extract_features,
    load_feature_models,
)
from fer_engine.train.head_training import (
    HeadTrainingConfig,
    _batches,
    evaluate_head,
    head_spec,
    train_head,
)
from ferbot.settings import load_settings
from tests.fer_engine.train.synthetic import write_class_folders


def random_features(n: int, seed: int = 0) -> FeatureTable:
    generator = torch.Generator().manual_seed(seed)
    inputs = HeadInputs(
        image=torch.randn(n, 24, generator=generator),
        image_tokens=torch.randn(n, 4, 24, generator=generator),
        text=torch.randn(n, 16, generator=generator),
        text_tokens=torch.randn(n, 5, 8, generator=generator),
        text_mask=torch.ones(n, 5, dtype=torch.bool),
    )
    return FeatureTable(inputs, torch.arange(n) % 7, None, {})


@pytest.mark.parametrize("kind", ["cnn", "text", "gated", "self_attention", "cross_attention"])
def test_a_head_learns_a_small_labelled_set_by_heart(kind: str) -> None:
    features = random_features(28)
    config = HeadTrainingConfig(epochs=150, patience=150, lr=3e-3, hidden=64, dropout=0.0)
    head, _ = train_head(head_spec(kind, features, config), features, features, config, seed=0)
    assert evaluate_head(head, features).accuracy == 1.0


def test_the_weighted_sampler_draws_the_rare_class_as_often_as_the_common_one() -> None:
    features = random_features(800)
    labels = torch.tensor([0] * 700 + [1] * 100)
    table = FeatureTable(features.inputs, labels, None, {})
    weights = torch.tensor([800 / (2 * 700), 800 / (2 * 100), 0, 0, 0, 0, 0])
    config = HeadTrainingConfig(balance="sampler", batch_size=800)
    (order,) = _batches(table, config, weights, torch.Generator().manual_seed(0))
    drawn = Counter(labels[order].tolist())
    assert abs(drawn[0] - drawn[1]) < 100


def test_an_interrupted_extraction_computes_only_what_the_cache_lacks(
    tiny_models: Path, tmp_path: Path
) -> None:
    split = load_split(write_class_folders(tmp_path / "data", per_class=3), "imagefolder", "train")
    settings = load_settings(tiny_models / "ferbot.toml", environ={}).engine
    models = load_feature_models(settings.model_copy(update={"device": "cpu"}), with_text=False)
    whole = extract_features(split, models, tmp_path / "cache", batch_size=6)
    folder = tmp_path / "cache" / models.key
    shards = sorted(folder.glob(f"{SHARD_PREFIX}*.pt"))
    assert len(shards) == 4  # 21 images in batches of 6
    lost = torch.load(shards[1], weights_only=False)["hashes"]
    shards[1].unlink()  # as if the run had stopped before writing it
    (folder / f"{SHARD_PREFIX}unfinished.partial").write_bytes(b"half a shard")
    kept = set(folder.glob(f"{SHARD_PREFIX}*.pt"))

    resumed = extract_features(split, models, tmp_path / "cache", batch_size=6)
    new = set(folder.glob(f"{SHARD_PREFIX}*.pt")) - kept
    assert [torch.load(path, weights_only=False)["hashes"] for path in new] == [lost]
    assert torch.equal(resumed.labels, whole.labels)
    assert torch.allclose(resumed.inputs.image, whole.inputs.image, atol=1e-5)
