from pathlib import Path

import pytest
import torch
from PIL import Image

from fer_engine.faces import FaceBox
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import BatchReport, Pipeline, split_on_oom
from fer_engine.settings import EngineSettings
from tests.conftest import whole_image, with_head
from tests.images import encode, face, noise


def assert_batched_equals_one_at_a_time(pipeline: Pipeline, photos: list[bytes]) -> None:
    faces = [face for photo in photos for face in pipeline.prepare(photo).faces]
    batched, _ = pipeline.infer(faces)
    for one, together in zip(faces, batched, strict=True):
        (alone,), _ = pipeline.infer([one])
        assert alone.caption == together.caption
        assert torch.allclose(torch.tensor(alone.probs), torch.tensor(together.probs), atol=1e-4)


class TwoFaces:
    """A detector that finds two faces in any picture."""

    def detect(self, image: Image.Image) -> list[FaceBox]:
        return [FaceBox(0, 0, 10, 10, 1.0), FaceBox(20, 20, 20, 20, 1.0)]


def distinct_photos(count: int) -> list[bytes]:
    return [encode(noise(seed), "PNG") for seed in range(count)]


@pytest.mark.parametrize(
    "kind", ["cnn", "text", "concat", "gated", "self_attention", "cross_attention"]
)
def test_batched_results_equal_one_at_a_time_for_every_head(
    tiny_settings: EngineSettings, tiny_models: Path, kind: str
) -> None:
    pipeline = whole_image(load_pipeline(with_head(tiny_settings, tiny_models, kind)))
    assert_batched_equals_one_at_a_time(pipeline, distinct_photos(6))


def test_batched_results_equal_one_at_a_time_with_the_opt_captioner(
    tiny_settings: EngineSettings, tiny_models: Path
) -> None:
    pipeline = load_pipeline(with_head(tiny_settings, tiny_models, "gated", family="opt"))
    assert_batched_equals_one_at_a_time(whole_image(pipeline), distinct_photos(6))


def test_captions_are_written_in_fusion_mode_and_absent_in_cnn_mode(
    tiny_settings: EngineSettings, tiny_models: Path, tiny_pipeline: Pipeline
) -> None:
    photo = encode(face(), "JPEG")
    (fused,), _ = tiny_pipeline.infer(tiny_pipeline.prepare(photo).faces)
    cnn_only = load_pipeline(with_head(tiny_settings, tiny_models, "cnn"))
    (plain,), _ = cnn_only.infer(cnn_only.prepare(photo).faces)
    assert fused.caption and plain.caption is None


def test_on_the_cpu_the_models_only_see_power_of_two_batches(aligned_pipeline: Pipeline) -> None:
    seen: list[int] = []
    hook = aligned_pipeline.cnn.register_forward_pre_hook(lambda _, args: seen.append(len(args[0])))
    faces = [face for photo in distinct_photos(7) for face in aligned_pipeline.prepare(photo).faces]
    try:
        results, _ = aligned_pipeline.infer(faces)
    finally:
        hook.remove()
    assert seen == [4, 2, 1] and len(results) == 7


def test_prepare_keeps_at_most_max_faces(aligned_pipeline: Pipeline) -> None:
    faces = aligned_pipeline.settings.faces.model_copy(update={"max_faces": 1})
    settings = aligned_pipeline.settings.model_copy(update={"faces": faces})
    pipeline = Pipeline(
        settings,
        TwoFaces(),
        aligned_pipeline.cnn,
        aligned_pipeline.head,
        aligned_pipeline.captioner,
        aligned_pipeline.text_encoder,
    )
    assert len(pipeline.prepare(encode(noise(0), "PNG")).faces) == 1


def test_an_oom_batch_is_halved_until_it_fits_and_keeps_its_order() -> None:
    sizes = []

    def run(items: list[int]) -> list[int]:
        sizes.append(len(items))
        if len(items) > 2:
            raise torch.OutOfMemoryError("CUDA out of memory")
        return [item * 10 for item in items]

    report = BatchReport()
    assert split_on_oom(run, list(range(7)), report) == [0, 10, 20, 30, 40, 50, 60]
    assert report.oom_splits == 3 and max(s for s in sizes if s <= 2) == 2


def test_a_single_item_that_still_runs_out_of_memory_reraises() -> None:
    def run(items: list[int]) -> list[int]:
        raise torch.OutOfMemoryError("CUDA out of memory")

    with pytest.raises(torch.OutOfMemoryError):
        split_on_oom(run, [1, 2], BatchReport())
