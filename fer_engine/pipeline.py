"""The batched path from photo bytes to per-face probabilities and captions.

Split in two so the engine can overlap them: `prepare` (decode, detect, crop, preprocess) is
CPU work for one photo, safe on many threads; `infer` runs every model stage on a batch of
faces from many photos, on the one inference thread.
"""

import logging
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import torch
from PIL import Image

from fer_engine.analysis import Analysis, Face
from fer_engine.batch_shapes import power_of_two_chunks
from fer_engine.captioner import Captioner
from fer_engine.checkpoints import LoadedHead, model_name
from fer_engine.classifiers import Classifier, pooled
from fer_engine.cnn import CnnBranch
from fer_engine.emotions import EMOTIONS
from fer_engine.errors import CheckpointMismatch
from fer_engine.faces import FaceBox, FaceDetector, select_faces, square_crop
from fer_engine.heads import HeadInputs
from fer_engine.image_intake import decode_image
from fer_engine.settings import EngineSettings
from fer_engine.text_encoder import TextEncoder
from fer_engine.transfer import stack_to_device

log = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class PreparedFace:
    """One face, cut out and preprocessed for every model that will look at it."""

    box: FaceBox
    # One crop per classifier, the engine's own first, then each ensemble member's.
    cnn_pixels: tuple[torch.Tensor, ...]
    caption_pixels: torch.Tensor | None


@dataclass(frozen=True)
class PreparedPhoto:
    """A decoded photo reduced to its faces; the full-size pixels are already dropped."""

    image_size: tuple[int, int]
    faces: tuple[PreparedFace, ...]
    timings: dict[str, float]
    faces_found: int


@dataclass(frozen=True)
class FaceResult:
    """What the models say about one face: probabilities in EMOTIONS order and a caption."""

    probs: tuple[float, ...]
    caption: str | None


@dataclass
class BatchReport:
    """Seconds per model stage for one batch, and how often it had to split on OOM."""

    timings: dict[str, float] = field(default_factory=dict)
    oom_splits: int = 0


class FacePreparer:
    """Decode, find faces, crop and preprocess: the CPU half of a pipeline, per photo.

    Apart from `Pipeline` so that a Ray ingress replica cuts faces out without loading the
    models that read them.
    """

    def __init__(
        self,
        settings: EngineSettings,
        detector: FaceDetector,
        classifiers: Sequence[Classifier],
        caption_preprocess: Callable[[Image.Image], torch.Tensor] | None,
    ) -> None:
        self.settings = settings
        self.detector = detector
        self.classifiers = tuple(classifiers)
        self.caption_preprocess = caption_preprocess

    def prepare(self, data: bytes) -> PreparedPhoto:
        """Decode, find faces, crop and preprocess them; raises `BadImage` for bad bytes."""
        started = time.perf_counter()
        image = self.decode(data)
        decoded = time.perf_counter()
        found = self.detector.detect(image)
        timings = {"decode": decoded - started, "detect": time.perf_counter() - decoded}
        return self.cut(image, found, timings)

    def decode(self, data: bytes) -> Image.Image:
        """The upright RGB picture; raises `BadImage` for bad bytes."""
        return decode_image(data, self.settings.image)

    def cut(
        self, image: Image.Image, found: list[FaceBox], timings: dict[str, float]
    ) -> PreparedPhoto:
        """The largest `max_faces` of the faces `found`, cropped and preprocessed."""
        started = time.perf_counter()
        boxes = select_faces(found, self.settings.faces.max_faces)
        faces = []
        margin = self.settings.faces.margin
        for box in boxes:
            caption_pixels = None
            if self.caption_preprocess is not None:
                caption_pixels = self.caption_preprocess(square_crop(image, box, margin))
            cnn_pixels = tuple(classifier.preprocess(image, box) for classifier in self.classifiers)
            faces.append(PreparedFace(box, cnn_pixels, caption_pixels))
        return PreparedPhoto(
            image_size=image.size,
            faces=tuple(faces),
            timings={**timings, "crop": time.perf_counter() - started},
            faces_found=len(found),
        )


class Pipeline:
    """Every model of one engine, checked against each other when assembled.

    `cnn` and `head` are the engine's classifier (a fusion head reads captions too); each
    classifier of `ensemble` reads the same faces through its own crop and CNN, and the
    answer is the mean of all their probabilities.
    """

    def __init__(
        self,
        settings: EngineSettings,
        detector: FaceDetector,
        cnn: CnnBranch,
        head: LoadedHead,
        captioner: Captioner | None = None,
        text_encoder: TextEncoder | None = None,
        *,
        captions_elsewhere: bool = False,
        ensemble: Sequence[Classifier] = (),
    ) -> None:
        self.settings = settings
        self.detector = detector
        self.cnn = cnn
        self.head = head
        own = Classifier(cnn, head, settings.faces.margin, settings.cnn.input_size)
        self.classifiers = (own, *ensemble)
        self.captioner = captioner
        self.text_encoder = text_encoder
        # A Ray deployment of the CNN, text encoder and head gets its captions from the
        # captioner's own deployment, and never loads BLIP-2.
        self.captions_elsewhere = captions_elsewhere
        self.device = next(cnn.parameters()).device
        _check_head_fits(self)
        self.head.module.to(self.device)
        caption_preprocess = captioner.preprocess if captioner and self.uses_text else None
        self.preparer = FacePreparer(settings, detector, self.classifiers, caption_preprocess)

    @property
    def uses_text(self) -> bool:
        return self.head.metadata.spec.uses_text

    @property
    def model_version(self) -> str:
        """Identifies the models behind a result, stored with every analysis."""
        meta = self.head.metadata
        parts = [f"{meta.spec.kind}-{self.head.fingerprint}", meta.cnn_arch]
        if self.uses_text:
            parts += [
                model_name(meta.captioner_model or ""),
                model_name(meta.text_encoder_model or ""),
            ]
        members = [
            f"{member.head.metadata.spec.kind}-{member.head.fingerprint}/{member.cnn.arch}"
            for member in self.classifiers[1:]
        ]
        return "+".join(["/".join(parts), *members])

    def prepare(self, data: bytes) -> PreparedPhoto:
        """Decode, find faces, crop and preprocess them; raises `BadImage` for bad bytes."""
        return self.preparer.prepare(data)

    def warm_up(self) -> float:
        """Compile and record the fast path's shapes on blank input (seconds; 0 when plain).

        The engine calls it at start-up, on its inference thread, before any photo is queued.
        """
        return 0.0 if self.captioner is None else self.captioner.warm_up()

    def infer(self, faces: Sequence[PreparedFace]) -> tuple[list[FaceResult], BatchReport]:
        """Run every model stage on `faces` as one batch (power-of-two chunks on the CPU),
        halving it on CUDA out-of-memory.

        Not thread-safe: the engine calls it from its one inference thread.
        """
        report = BatchReport()
        return self._in_chunks(partial(self._infer_batch, report=report), faces, report), report

    def classify(
        self, faces: Sequence[tuple[tuple[torch.Tensor, ...], str | None]]
    ) -> tuple[list[FaceResult], BatchReport]:
        """CNNs, text encoder and heads on (CNN pixels, caption) pairs whose captions were
        written elsewhere (the Ray captioner deployment), batched as `infer` batches."""
        report = BatchReport()
        return self._in_chunks(partial(self._classify_pairs, report=report), faces, report), report

    def _in_chunks(
        self, run: Callable[[list[T]], list[R]], items: Sequence[T], report: BatchReport
    ) -> list[R]:
        """`run` over `items` on the CPU in power-of-two chunks (see `batch_shapes`); on CUDA
        as one batch, which the caching allocator and the fast path's buckets already serve."""
        chunks = power_of_two_chunks(items) if self.device.type == "cpu" else [list(items)]
        return [result for chunk in chunks for result in split_on_oom(run, chunk, report)]

    @torch.inference_mode()
    def _classify_pairs(
        self, faces: list[tuple[tuple[torch.Tensor, ...], str | None]], report: BatchReport
    ) -> list[FaceResult]:
        clock = _StageClock(self.device, report.timings)
        pixels = stack_to_device(self._crop_groups([crops for crops, _ in faces]), self.device)
        clock.lap("transfer")
        return self._classify(pixels, [caption for _, caption in faces], report)

    @torch.inference_mode()
    def _infer_batch(self, faces: list[PreparedFace], report: BatchReport) -> list[FaceResult]:
        groups = self._crop_groups([face.cnn_pixels for face in faces])
        if self.uses_text:
            groups.append([face.caption_pixels for face in faces])
        clock = _StageClock(self.device, report.timings)
        stacked = stack_to_device(groups, self.device)
        pixels, caption_pixels = stacked[: len(self.classifiers)], stacked[len(self.classifiers) :]
        clock.lap("transfer")
        captions: list[str | None] = [None] * len(faces)
        if self.uses_text:
            assert self.captioner is not None
            captions = list(self.captioner.caption(caption_pixels[0]))
            clock.lap("caption")
        return self._classify(pixels, captions, report)

    def _crop_groups(self, crops: list[tuple[torch.Tensor, ...]]) -> list[list[torch.Tensor]]:
        """Faces' crops regrouped per classifier, so each classifier's crops stack as a batch."""
        return [[face[index] for face in crops] for index in range(len(self.classifiers))]

    @torch.inference_mode()
    def _classify(
        self, pixels: Sequence[torch.Tensor], captions: list[str | None], report: BatchReport
    ) -> list[FaceResult]:
        clock = _StageClock(self.device, report.timings)
        texts = [caption or "" for caption in captions] if self.uses_text else None
        members = []
        for classifier, crops in zip(self.classifiers, pixels, strict=True):
            read = texts if classifier.uses_text else None
            inputs = face_features(classifier.cnn, crops, self.text_encoder, read, clock.lap)
            members.append(classifier.probabilities(classifier.head.module(inputs)))
            clock.lap("head")
        probs = pooled(members, self.settings.head.ensemble_temperature).cpu().tolist()
        return [FaceResult(tuple(p), c) for p, c in zip(probs, captions, strict=True)]


@torch.inference_mode()
def face_features(
    cnn: CnnBranch,
    pixels: torch.Tensor,
    text_encoder: TextEncoder | None = None,
    captions: list[str] | None = None,
    lap: Callable[[str], None] = lambda stage: None,
) -> HeadInputs:
    """What a head reads about a batch of faces: CNN features, and with `captions` their
    embeddings. Serving and feature extraction for training share it, so a head is trained on
    exactly what it will see. `lap(stage)` is called after each stage.
    """
    autocast = (
        torch.autocast("cuda", dtype=torch.bfloat16)
        if pixels.device.type == "cuda"
        else nullcontext()
    )
    with autocast:
        pooled, tokens = cnn(pixels)
    inputs = HeadInputs(image=pooled.float(), image_tokens=tokens.float())
    lap("cnn")
    if captions is None:
        return inputs
    assert text_encoder is not None
    text = text_encoder.encode(captions)
    lap("text")
    return HeadInputs(
        image=inputs.image,
        image_tokens=inputs.image_tokens,
        text=text.pooled,
        text_tokens=text.tokens,
        text_mask=text.mask,
    )


def analysis_of(
    photo: PreparedPhoto,
    results: Sequence[FaceResult],
    timings: dict[str, float],
    model_version: str,
) -> Analysis:
    """What the caller gets: each prepared face with its emotion, probabilities and caption."""
    faces = []
    for prepared, result in zip(photo.faces, results, strict=True):
        best = max(range(len(EMOTIONS)), key=result.probs.__getitem__)
        box = prepared.box
        faces.append(
            Face(
                box=box.rounded(),
                emotion=EMOTIONS[best],
                confidence=result.probs[best],
                probs=dict(zip(EMOTIONS, result.probs, strict=True)),
                caption=result.caption,
                landmarks=box.landmarks,
            )
        )
    return Analysis(tuple(faces), photo.image_size, model_version, timings, photo.faces_found)


def split_on_oom(run: Callable[[list[T]], list[R]], items: list[T], report: BatchReport) -> list[R]:
    """`run(items)`, retried on halves when the GPU runs out of memory, results in order.

    A single item that still does not fit re-raises: nothing smaller can be tried.
    """
    try:
        return run(items)
    except torch.OutOfMemoryError:
        if len(items) == 1:
            raise
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        report.oom_splits += 1
        half = len(items) // 2
        log.warning(
            "out of memory on a batch of %d; retrying as %d + %d",
            len(items),
            half,
            len(items) - half,
        )
        return split_on_oom(run, items[:half], report) + split_on_oom(run, items[half:], report)


class _StageClock:
    """Adds the seconds since the previous lap to `timings[stage]`, waiting for the GPU first."""

    def __init__(self, device: torch.device, timings: dict[str, float]) -> None:
        self._device = device
        self._timings = timings
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        if self._device.type == "cuda":
            torch.cuda.synchronize(self._device)
        now = time.perf_counter()
        self._timings[stage] = self._timings.get(stage, 0.0) + now - self._last
        self._last = now


def _check_head_fits(pipeline: Pipeline) -> None:
    """Refuse a head trained for other models, features or mode, naming every difference."""
    spec = pipeline.head.metadata.spec
    settings = pipeline.settings
    problems = []
    if settings.mode == "cnn" and spec.uses_text:
        problems.append(f"engine.mode is 'cnn' but the head is a '{spec.kind}' fusion head")
    if settings.mode == "fusion" and not spec.uses_text:
        problems.append("engine.mode is 'fusion' but the head is a 'cnn' head")
    own, *members = pipeline.classifiers
    problems += own.problems()
    for number, member in enumerate(members, start=1):
        name = f"ensemble member {number} ({member.cnn.arch})"
        if member.uses_text:
            problems.append(f"{name} is a fusion head; ensemble members read the CNN only")
        problems += [f"{name}: {problem}" for problem in member.problems()]
    if spec.uses_text:
        problems += _text_problems(pipeline)
    if problems:
        raise CheckpointMismatch(
            f"head checkpoint {settings.head.checkpoint} does not fit: " + "; ".join(problems)
        )


def _text_problems(pipeline: Pipeline) -> list[str]:
    meta, spec = pipeline.head.metadata, pipeline.head.metadata.spec
    settings = pipeline.settings
    if pipeline.text_encoder is None or (
        pipeline.captioner is None and not pipeline.captions_elsewhere
    ):
        return ["the head needs captions but no captioner or text encoder is loaded"]
    problems = []
    pairs = [
        ("captioner", meta.captioner_model, settings.captioner.model),
        ("text encoder", meta.text_encoder_model, settings.text_encoder.model),
    ]
    for what, trained, configured in pairs:
        if model_name(trained or "") != model_name(configured):
            problems.append(f"head trained with {what} {trained!r}, configured {configured!r}")
    if meta.caption_prompt != settings.captioner.prompt:
        problems.append("head trained with another caption prompt than engine.captioner.prompt")
    encoder = pipeline.text_encoder
    if (spec.text_dim, spec.text_token_dim) != (encoder.pooled_dim, encoder.token_dim):
        problems.append(
            f"head expects text features {spec.text_dim}/{spec.text_token_dim}, "
            f"the text encoder gives {encoder.pooled_dim}/{encoder.token_dim}"
        )
    return problems
