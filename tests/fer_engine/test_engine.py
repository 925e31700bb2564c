import asyncio
import itertools
import threading
from collections.abc import Sequence

import pytest
import torch

from fer_engine import EMOTIONS, BadImage, EngineBusy, EngineClosed, EngineTimeout
from fer_engine.engine import Engine
from fer_engine.pipeline import BatchReport, FaceResult, Pipeline, PreparedFace
from fer_engine.settings import ServingSettings
from tests.images import (
    GROUP_JPEG,
    animated_gif,
    encode,
    exif_rotated_face,
    face,
    noise,
    png_header_claiming,
)


def photos(count: int) -> list[bytes]:
    return [encode(noise(seed), "PNG") for seed in range(count)]


async def test_a_face_photo_gets_one_face_with_all_seven_probabilities(
    tiny_pipeline: Pipeline,
) -> None:
    async with Engine(tiny_pipeline, ServingSettings()) as engine:
        analysis = await engine.analyze(encode(face(), "JPEG"))
    (found,) = analysis.faces
    assert list(found.probs) == list(EMOTIONS)
    assert sum(found.probs.values()) == pytest.approx(1.0, abs=1e-5)
    assert found.emotion == max(found.probs, key=found.probs.__getitem__)
    assert found.confidence == found.probs[found.emotion]
    assert isinstance(found.caption, str) and found.caption
    assert analysis.model_version == tiny_pipeline.model_version


async def test_a_photo_without_a_face_is_an_empty_result_not_an_error(
    tiny_pipeline: Pipeline,
) -> None:
    async with Engine(tiny_pipeline, ServingSettings()) as engine:
        analysis = await engine.analyze(encode(noise(0, (320, 240)), "JPEG"))
    assert analysis.faces == () and analysis.image_size == (320, 240)


async def test_timings_cover_every_stage(tiny_pipeline: Pipeline) -> None:
    async with Engine(tiny_pipeline, ServingSettings()) as engine:
        analysis = await engine.analyze(encode(face(), "JPEG"))
    stages = {
        "decode",
        "detect",
        "crop",
        "queue",
        "transfer",
        "cnn",
        "caption",
        "text",
        "head",
        "total",
    }
    assert set(analysis.timings) == stages


async def test_200_concurrent_photos_each_get_their_own_result_in_real_batches(
    aligned_pipeline: Pipeline,
) -> None:
    images = photos(200)
    # Reference: all 200 in one batch, in reverse order, so no caller's place can line up.
    reversed_faces = [aligned_pipeline.prepare(image).faces[0] for image in reversed(images)]
    expected = aligned_pipeline.infer(reversed_faces)[0][::-1]
    serving = ServingSettings(max_batch=16, max_wait_ms=20, decode_workers=2)
    async with Engine(aligned_pipeline, serving) as engine:
        results = await asyncio.gather(*(engine.analyze(image) for image in images))
        stats = engine.stats()
    for analysis, alone in zip(results, expected, strict=True):
        (found,) = analysis.faces
        assert found.caption == alone.caption
        got = torch.tensor(list(found.probs.values()))
        assert torch.allclose(got, torch.tensor(alone.probs), atol=1e-4)
    assert stats.requests == 200 and stats.max_batch_size > 1
    assert stats.max_batch_size <= 16 and sum(stats.batch_size_counts.values()) < 200


BAD_INPUTS = {
    "zero bytes": b"",
    "random bytes": bytes(range(256)) * 16,
    "truncated jpeg": encode(noise(1, (300, 300)), "JPEG")[:3000],
    "text file": b"hello, I am not a picture\n" * 40,
    "png claiming 50000x50000": png_header_claiming(50_000, 50_000),
}
ODD_BUT_VALID = {
    "1x1 pixel": encode(noise(2, (1, 1)), "PNG"),
    "animated gif": animated_gif((255, 0, 0), (0, 255, 0)),
    "cmyk jpeg": encode(noise(3).convert("CMYK"), "JPEG"),
    "16-bit png": encode(noise(4).convert("I;16"), "PNG"),
    "png with alpha": encode(noise(5).convert("RGBA"), "PNG"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
async def test_a_bad_input_fails_alone_and_the_engine_keeps_serving(
    tiny_pipeline: Pipeline, name: str
) -> None:
    async with Engine(tiny_pipeline, ServingSettings()) as engine:
        bad = engine.analyze(BAD_INPUTS[name])
        good = engine.analyze(encode(face(), "JPEG"))
        outcomes = await asyncio.gather(bad, good, return_exceptions=True)
        assert isinstance(outcomes[0], BadImage) and outcomes[0].reason
        assert len(outcomes[1].faces) == 1
        assert engine.stats().errors == {"bad_image": 1}


@pytest.mark.parametrize("name", list(ODD_BUT_VALID))
async def test_an_odd_but_valid_picture_gets_a_result(tiny_pipeline: Pipeline, name: str) -> None:
    async with Engine(tiny_pipeline, ServingSettings()) as engine:
        analysis = await engine.analyze(ODD_BUT_VALID[name])
    assert analysis.faces == ()  # no face in noise: a normal, empty result


async def test_an_exif_rotated_photo_has_its_face_found(tiny_pipeline: Pipeline) -> None:
    async with Engine(tiny_pipeline, ServingSettings()) as engine:
        analysis = await engine.analyze(exif_rotated_face())
    assert len(analysis.faces) == 1


async def test_faces_are_found_in_photos_of_many_sizes_decoded_at_once(
    tiny_pipeline: Pipeline,
) -> None:
    # One OpenCV cascade shared by threads crashes the process on photos of different sizes.
    group, single = GROUP_JPEG.read_bytes(), encode(face(), "JPEG")
    async with Engine(tiny_pipeline, ServingSettings(decode_workers=4)) as engine:
        analyses = await asyncio.gather(*(engine.analyze(p) for p in [group, single] * 12))
    assert [len(analysis.faces) for analysis in analyses] == [3, 1] * 12


async def test_a_full_queue_answers_busy_at_once(aligned_pipeline: Pipeline) -> None:
    async with Engine(aligned_pipeline, ServingSettings(queue_size=3)) as engine:
        admitted = [asyncio.create_task(engine.analyze(image)) for image in photos(3)]
        await asyncio.sleep(0)  # each admitted request has started
        with pytest.raises(EngineBusy):
            await engine.analyze(encode(noise(9), "PNG"))
        assert not any(task.done() for task in admitted)
        await asyncio.gather(*admitted)
        assert engine.stats().errors == {"busy": 1}


async def test_queue_depth_counts_requests_in_flight(aligned_pipeline: Pipeline) -> None:
    async with Engine(aligned_pipeline, ServingSettings()) as engine:
        admitted = [asyncio.create_task(engine.analyze(image)) for image in photos(5)]
        await asyncio.sleep(0)
        assert engine.stats().queue_depth == 5
        await asyncio.gather(*admitted)
        assert engine.stats().queue_depth == 0


async def test_a_request_over_its_time_gets_a_timeout(aligned_pipeline: Pipeline) -> None:
    async with Engine(aligned_pipeline, ServingSettings(timeout_s=0.001)) as engine:
        with pytest.raises(EngineTimeout):
            await engine.analyze(encode(noise(0, (600, 600)), "PNG"))
        assert engine.stats().errors == {"timeout": 1}


async def test_the_engine_serves_on_after_a_timeout(
    aligned_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    infer, release = aligned_pipeline.infer, threading.Event()
    batches = itertools.count()

    def first_batch_held(faces: Sequence[PreparedFace]) -> tuple[list[FaceResult], BatchReport]:
        if next(batches) == 0:
            release.wait()  # past the timeout, until the test lets it go
        return infer(faces)

    async with Engine(aligned_pipeline, ServingSettings(timeout_s=2.0)) as engine:
        monkeypatch.setattr(aligned_pipeline, "infer", first_batch_held)
        try:
            with pytest.raises(EngineTimeout):
                await engine.analyze(encode(noise(0), "PNG"))
        finally:
            release.set()
        assert len((await engine.analyze(encode(noise(1), "PNG"))).faces) == 1


async def test_close_finishes_every_request_in_flight(aligned_pipeline: Pipeline) -> None:
    engine = Engine(aligned_pipeline, ServingSettings(max_batch=4))
    in_flight = [asyncio.create_task(engine.analyze(image)) for image in photos(20)]
    await asyncio.sleep(0)
    await engine.close()
    assert all(len(task.result().faces) == 1 for task in in_flight)


async def test_a_closed_engine_refuses_new_requests(aligned_pipeline: Pipeline) -> None:
    engine = Engine(aligned_pipeline, ServingSettings())
    await engine.close()
    with pytest.raises(EngineClosed):
        await engine.analyze(encode(noise(0), "PNG"))
