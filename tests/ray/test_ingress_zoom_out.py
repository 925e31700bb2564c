"""The Ray ingress gives close-ups the zoom-out pass too, its canvases detected in the models'
batches, and finds the faces the local engine finds. No cluster: the deployment handles are
stand-ins that run the same models in this process."""

import time

import torch

from fer_engine.emotions import EMOTIONS
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import FaceResult, Pipeline
from fer_engine.serve._deployments import Classified, Detected, Ingress
from fer_engine.serve._wire import unwire
from fer_engine.settings import EngineSettings, FaceSettings
from fer_engine.zoom_out import without_zoom_out
from tests.images import close_up, encode


class _Remote:
    """A deployment method as a handle exposes it: `.remote(...)` to await."""

    def __init__(self, method) -> None:
        self._method = method
        self.calls = 0

    async def remote(self, *args):
        self.calls += 1
        return self._method(*args)


class ModelsHere:
    """The `FaceModels` deployment's methods, run here on the bundled models."""

    def __init__(self, pipeline: Pipeline) -> None:
        ssd = without_zoom_out(pipeline.detector)

        def detect(square: torch.Tensor) -> Detected:
            started = time.perf_counter()
            ((boxes, scores),) = ssd.run(square[None])
            return Detected(boxes, scores, time.perf_counter() - started)

        def classify(pixels: torch.Tensor, caption: str | None) -> Classified:
            probs = (1.0 / len(EMOTIONS),) * len(EMOTIONS)
            return Classified(FaceResult(probs, caption), {}, 1)

        self.detect = _Remote(detect)
        self.classify = _Remote(classify)
        self.model_version = _Remote(lambda: pipeline.model_version)


async def test_the_ingress_finds_a_close_up_face_through_the_batched_zoom_out_pass() -> None:
    # The SSD, which the models deployment batches, misses this close-up at first.
    ssd_pipeline = load_pipeline(EngineSettings(device="cpu", faces=FaceSettings(detector="ssd")))
    models = ModelsHere(ssd_pipeline)
    ingress = Ingress(ssd_pipeline.settings, models, None)
    photo = encode(close_up(), "PNG")
    analysis, _ = unwire(await ingress.analyze("zoom-test", photo))
    local = ssd_pipeline.prepare(photo)
    assert len(analysis.faces) == 1
    assert [face.box for face in analysis.faces] == [face.box.rounded() for face in local.faces]
    assert models.detect.calls >= 2  # the photo, then at least one zoomed-out canvas
