"""The async engine: one per process, shared by every adapter, batching concurrent photos.

Each `analyze` call decodes and finds faces on a CPU thread, then queues its faces; a batcher
task gathers faces from many callers (up to `max_batch` faces or `max_wait_ms`) and runs the
models on the one inference thread, so the event loop never blocks and the GPU sees batches.
"""

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fer_engine.admission import Admission
from fer_engine.analysis import Analysis
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import FaceResult, Pipeline, PreparedFace, analysis_of
from fer_engine.settings import EngineSettings, ServingSettings
from fer_engine.stats import EngineStats, StatsRecorder

log = logging.getLogger(__name__)


@dataclass
class _Request:
    faces: tuple[PreparedFace, ...]
    future: asyncio.Future[tuple[list[FaceResult], dict[str, float]]]
    queued_at: float


class Engine:
    """`await engine.analyze(photo_bytes)`, safe from many tasks at once on one event loop."""

    def __init__(self, pipeline: Pipeline, serving: ServingSettings) -> None:
        self.pipeline = pipeline
        self._queue: asyncio.Queue[_Request] = asyncio.Queue()
        self._preparing = 0
        self._batcher: asyncio.Task[None] | None = None
        self._starting: asyncio.Future[None] | None = None
        self._decode_pool = ThreadPoolExecutor(serving.decode_workers, "ferbot-decode")
        self._infer_pool = ThreadPoolExecutor(1, "ferbot-infer")
        self._stats = StatsRecorder()
        self._admission = Admission(serving, self._stats)

    @property
    def serving(self) -> ServingSettings:
        return self._admission.serving

    @classmethod
    async def load(cls, settings: EngineSettings) -> "Engine":
        """Load every model `settings` names (off the event loop) and start serving."""
        pipeline = await asyncio.to_thread(load_pipeline, settings)
        engine = cls(pipeline, settings.serving)
        await engine.start()
        return engine

    @property
    def model_version(self) -> str:
        return self.pipeline.model_version

    async def start(self) -> None:
        """Warm the models up, then start the batcher; `analyze` does this itself when needed.

        Warm-up (compiling and recording the fast path's batch buckets on blank pixels) runs
        once, on the inference thread, before any request reaches the models.
        """
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._warm_up_and_serve())
        await asyncio.shield(self._starting)

    async def _warm_up_and_serve(self) -> None:
        loop = asyncio.get_running_loop()
        seconds = await loop.run_in_executor(self._infer_pool, self.pipeline.warm_up)
        self._stats.warmup_s = seconds
        if seconds:
            log.info("engine warmed up in %.1f s", seconds)
        self._batcher = loop.create_task(self._run_batches(), name="ferbot-engine-batcher")

    async def __aenter__(self) -> "Engine":
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def analyze(self, data: bytes) -> Analysis:
        """Every face in `data` with emotion, probabilities and caption.

        Raises `BadImage` (unreadable or too large), `EngineBusy` (queue full, at once),
        `EngineTimeout` (over `timeout_s`) or `EngineClosed` (shutting down).
        """
        # The first call of an engine not started waits for warm-up, outside the timeout.
        return await self._admission.run(lambda: self._analyze(data), ready=self.start)

    async def _analyze(self, data: bytes) -> Analysis:
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        self._preparing += 1
        try:
            photo = await loop.run_in_executor(self._decode_pool, self.pipeline.prepare, data)
        finally:
            self._preparing -= 1
        self._stats.record_stages(photo.timings)
        results: list[FaceResult] = []
        timings = dict(photo.timings)
        if photo.faces:
            future: asyncio.Future[tuple[list[FaceResult], dict[str, float]]] = loop.create_future()
            await self._queue.put(_Request(photo.faces, future, time.perf_counter()))
            results, batch_timings = await future
            timings.update(batch_timings)
        timings["total"] = time.perf_counter() - started
        return analysis_of(photo, results, timings, self.model_version)

    def stats(self) -> EngineStats:
        """Queue depth, batch sizes, latencies and errors so far."""
        return self._stats.snapshot(self._admission.in_flight, self._queue.qsize())

    async def close(self) -> None:
        """Refuse new requests, finish every one in flight, then stop the threads."""
        if not await self._admission.close():
            return
        if self._starting is not None:
            await asyncio.gather(self._starting, return_exceptions=True)
        if self._batcher is not None:
            self._batcher.cancel()
            await asyncio.gather(self._batcher, return_exceptions=True)
        for pool in (self._decode_pool, self._infer_pool):
            await asyncio.to_thread(pool.shutdown, wait=True)

    async def _run_batches(self) -> None:
        held: _Request | None = None
        while True:
            batch, held = await self._gather_batch(held)
            live = [request for request in batch if not request.future.done()]
            if live:
                await self._run_batch(live)

    async def _gather_batch(self, held: _Request | None) -> tuple[list[_Request], _Request | None]:
        """Requests whose faces fill one batch; the first that would overflow it is held over.

        The batch waits up to `max_wait_ms` only for photos already admitted and still being
        decoded: a lone request never pays the wait.
        """
        first = held if held is not None else await self._queue.get()
        batch, faces = [first], len(first.faces)
        deadline = time.perf_counter() + self.serving.max_wait_ms / 1000.0
        while faces < self.serving.max_batch:
            if self._queue.empty():
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self._preparing == 0:
                    break
                try:
                    async with asyncio.timeout(remaining):
                        request = await self._queue.get()
                except TimeoutError:
                    break
            else:
                request = self._queue.get_nowait()
            if faces + len(request.faces) > self.serving.max_batch:
                return batch, request
            batch.append(request)
            faces += len(request.faces)
        return batch, None

    async def _run_batch(self, batch: list[_Request]) -> None:
        loop = asyncio.get_running_loop()
        faces = [face for request in batch for face in request.faces]
        started = time.perf_counter()
        try:
            results, report = await loop.run_in_executor(
                self._infer_pool, self.pipeline.infer, faces
            )
        except Exception as exc:
            log.exception("inference failed for a batch of %d faces", len(faces))
            for request in batch:
                if not request.future.done():
                    request.future.set_exception(exc)
            return
        self._stats.record_batch(len(faces), report.timings, report.oom_splits)
        offset = 0
        for request in batch:
            count = len(request.faces)
            timings = {"queue": started - request.queued_at, **report.timings}
            if not request.future.done():
                request.future.set_result((results[offset : offset + count], timings))
            offset += count
