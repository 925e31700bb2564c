"""The three deployments of the engine's Serve application.

`Ingress` takes a photo (through a handle or Serve's HTTP proxy) and decodes it on the CPU;
`FaceModels` finds its faces (the SSD detector, batched across photos), the ingress cuts
them out, and sends each face on: to `FaceCaptioner` (BLIP-2, fusion mode only) and to
`FaceModels` again (CNN, CLIP text encoder, head). Both batch the faces of concurrent photos
with `@serve.batch`, and each has its own replicas and GPU share, so the captioner can be
given more GPUs than the small models.
"""

import asyncio
import logging
import time
from dataclasses import dataclass

import torch
from PIL import Image
from ray import serve
from ray.serve.handle import DeploymentHandle
from starlette.requests import Request
from starlette.responses import JSONResponse

from fer_engine.captioner import load_captioner
from fer_engine.errors import BadImage
from fer_engine.faceapi.face_detector import SsdFaceDetector, ssd_input
from fer_engine.faces import FaceBox
from fer_engine.loading import load_pipeline, load_preparer, resolve_device
from fer_engine.pipeline import (
    BatchReport,
    FaceResult,
    PreparedPhoto,
    analysis_of,
    split_on_oom,
)
from fer_engine.serve._wire import Wire, refused, served
from fer_engine.settings import EngineSettings
from fer_engine.zoom_out import ZoomOutDetector, without_zoom_out

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-Id"


@dataclass(frozen=True)
class Detected:
    """One photo's raw SSD boxes and scores, and how long the batch it rode in took."""

    boxes: torch.Tensor
    scores: torch.Tensor
    seconds: float


@dataclass(frozen=True)
class Captioned:
    """One face's caption, and how long the batch it rode in took."""

    text: str
    seconds: float


@dataclass(frozen=True)
class Classified:
    """One face's probabilities, with the stage timings and size of the batch it rode in."""

    result: FaceResult
    timings: dict[str, float]
    batch_faces: int


def _batching(method: object, settings: EngineSettings) -> None:
    """A `@serve.batch` method sized by `engine.serving` (max_batch faces, max_wait_ms)."""
    method.set_max_batch_size(settings.serving.max_batch)
    method.set_batch_wait_timeout_s(settings.serving.max_wait_ms / 1000.0)


class FaceModels:
    """The fixed-shape stages, batched across photos: the SSD face detector (on 512x512
    squares), and CNN, CLIP text encoder and head (on face crops)."""

    def __init__(self, settings: EngineSettings) -> None:
        self._pipeline = load_pipeline(settings, captioner_here=False)
        _batching(self.classify, settings)
        _batching(self.detect, settings)

    @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.01)
    async def detect(self, squares: list[torch.Tensor]) -> list[Detected]:
        detector = without_zoom_out(self._pipeline.detector)
        assert isinstance(detector, SsdFaceDetector), "only the SSD detector runs here"
        started = time.perf_counter()
        found = await asyncio.to_thread(detector.run, torch.stack(squares))
        seconds = time.perf_counter() - started
        return [Detected(boxes, scores, seconds) for boxes, scores in found]

    def model_version(self) -> str:
        return self._pipeline.model_version

    @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.01)
    async def classify(
        self, pixels: list[tuple[torch.Tensor, ...]], captions: list[str | None]
    ) -> list[Classified]:
        pairs = list(zip(pixels, captions, strict=True))
        results, report = await asyncio.to_thread(self._pipeline.classify, pairs)
        return [Classified(result, report.timings, len(pairs)) for result in results]


class FaceCaptioner:
    """BLIP-2 in its own deployment, batched across photos."""

    def __init__(self, settings: EngineSettings) -> None:
        device = resolve_device(settings.device)
        self._captioner = load_captioner(settings.captioner, device, settings.offline)
        _batching(self.caption, settings)

    @serve.batch(max_batch_size=32, batch_wait_timeout_s=0.01)
    async def caption(self, pixels: list[torch.Tensor]) -> list[Captioned]:
        started = time.perf_counter()
        texts = await asyncio.to_thread(self._caption, pixels)
        seconds = time.perf_counter() - started
        return [Captioned(text, seconds) for text in texts]

    def _caption(self, pixels: list[torch.Tensor]) -> list[str]:
        device = self._captioner.device
        return split_on_oom(
            lambda part: self._captioner.caption(torch.stack(part).to(device)),
            pixels,
            BatchReport(),
        )


class Ingress:
    """The application's entry: photo bytes in, an analysis (or a refusal) out as wire data."""

    def __init__(
        self,
        settings: EngineSettings,
        models: DeploymentHandle,
        captioner: DeploymentHandle | None,
    ) -> None:
        self._preparer = load_preparer(settings)
        # The SSD detector is a batched model stage; Haar and whole-image run here per photo.
        detector = self._preparer.detector
        inner = without_zoom_out(detector)
        self._ssd = inner if isinstance(inner, SsdFaceDetector) else None
        # The zoom-out pass wraps the SSD here too, its canvases sent to the same batches.
        self._zoom = detector if isinstance(detector, ZoomOutDetector) else None
        self._models = models
        self._captioner = captioner
        self._model_version: str | None = None

    async def model_version(self) -> str:
        if self._model_version is None:
            self._model_version = await self._models.model_version.remote()
        return self._model_version

    async def analyze(self, request_id: str, data: bytes) -> Wire:
        """Every face of the photo; `request_id` names the request in the log, whichever
        replica a retry reaches (analysing a photo twice changes nothing)."""
        started = time.perf_counter()
        try:
            photo = await self._prepare(data)
        except BadImage as exc:
            log.info("request %s: bad image (%s)", request_id, exc.reason)
            return refused(exc)
        timings = dict(photo.timings)
        captions: list[str | None] = [None] * len(photo.faces)
        if self._captioner is not None and photo.faces:
            captioned = await asyncio.gather(
                *(self._captioner.caption.remote(face.caption_pixels) for face in photo.faces)
            )
            captions = [c.text for c in captioned]
            timings["caption"] = max(c.seconds for c in captioned)
        classified: list[Classified] = await asyncio.gather(
            *(
                self._models.classify.remote(face.cnn_pixels, caption)
                for face, caption in zip(photo.faces, captions, strict=True)
            )
        )
        for one in classified:
            for stage, seconds in one.timings.items():
                timings[stage] = max(timings.get(stage, 0.0), seconds)
        timings["total"] = time.perf_counter() - started
        results = [one.result for one in classified]
        analysis = analysis_of(photo, results, timings, await self.model_version())
        return served(analysis, max((one.batch_faces for one in classified), default=0))

    async def _prepare(self, data: bytes) -> PreparedPhoto:
        """Decode and cut out the faces here; SSD detection in the models' batches."""
        if self._ssd is None:
            return await asyncio.to_thread(self._preparer.prepare, data)
        started = time.perf_counter()
        image = await asyncio.to_thread(self._preparer.decode, data)
        decoded = time.perf_counter()
        found = await self._detect(image)
        if not found and self._zoom is not None:
            found = await self._zoomed_out(image, self._zoom)
        timings = {"decode": decoded - started, "detect": time.perf_counter() - decoded}
        return await asyncio.to_thread(self._preparer.cut, image, found, timings)

    async def _detect(self, image: Image.Image) -> list[FaceBox]:
        """The SSD's faces in `image`, its network run in the models' batches."""
        assert self._ssd is not None
        square = await asyncio.to_thread(ssd_input, image, torch.device("cpu"))
        detected: Detected = await self._models.detect.remote(square)
        return self._ssd.locate(detected.boxes, detected.scores, image.size)

    async def _zoomed_out(self, image: Image.Image, zoom: ZoomOutDetector) -> list[FaceBox]:
        """`ZoomOutDetector.detect`'s second look, each canvas detected in the models' batches."""
        for scale in zoom.scales:
            view = await asyncio.to_thread(zoom.view, image, scale)
            found = view.to_photo(await self._detect(view.canvas))
            if found:
                return found
        return []

    async def __call__(self, request: Request) -> JSONResponse:
        """Serve's HTTP endpoint: POST the photo's bytes; GET answers the model version."""
        if request.method == "GET":
            return JSONResponse({"model_version": await self.model_version()})
        request_id = request.headers.get(REQUEST_ID_HEADER, "-")
        return JSONResponse(await self.analyze(request_id, await request.body()))
