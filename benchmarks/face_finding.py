"""Faces found by every detector, with and without the zoom-out pass, on the same photos.

    python -m benchmarks.face_finding                       # every detector, every fill
    python -m benchmarks.face_finding --detectors ssd --fills edge --scales 3,2

One row per detector (each `engine.faces.detector` but whole_image) with the zoom-out pass
off, then on with each canvas fill. Columns:
- realphotos-dev (close-ups where the face fills the frame): photos where a face is found,
  milliseconds of detection per photo (mean, zoom-out passes included), and the whole path's
  accuracy on the largest face with the configured classifier (no face counts as wrong),
  in total and per class;
- face-api's six sample photos: faces found, how many of the 22 faces face-api itself finds
  (tests/fixtures/faceapi/reference.json) are matched at IoU >= 0.5, and faces beyond those;
- six skimage.data pictures without a human face (two cats, coffee, a rocket, a star field,
  a tissue stain): faces found there, every one a false alarm.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

import torch
from PIL import Image

from fer_engine.emotions import EMOTIONS
from fer_engine.errors import ModelUnavailable
from fer_engine.faces import FaceBox
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import FaceResult, Pipeline, PreparedPhoto
from fer_engine.settings import EngineSettings, FaceSettings, ZoomFill
from fer_engine.train.datasets import LabelledImage, image_folder
from ferbot.settings import load_settings
from tests.images import NO_FACE_PICTURES, no_face_picture

ROOT = Path(__file__).parents[1]
REALPHOTOS = ROOT.parent / "shared" / "datasets" / "realphotos-dev"
FACEAPI = ROOT / "tests" / "fixtures" / "faceapi"
MATCH_IOU = 0.5


@dataclass(frozen=True)
class Variant:
    """One row: a detector, and the zoom-out pass's scales (empty: off) and fill."""

    detector: str
    zoom_out: tuple[float, ...]
    fill: ZoomFill

    @property
    def pass_name(self) -> str:
        if not self.zoom_out:
            return "off"
        return f"{','.join(f'{scale:g}' for scale in self.zoom_out)} {self.fill}"


@dataclass(frozen=True)
class RealPhotos:
    found: int
    detect_ms: float
    correct: dict[str, int]  # class name -> photos whose largest face got it right


@dataclass(frozen=True)
class Samples:
    found: int
    matched: int
    extra: int


def variants(
    detectors: list[str], scales: tuple[float, ...], fills: list[ZoomFill]
) -> list[Variant]:
    rows = []
    for name in detectors:
        rows.append(Variant(name, (), "edge"))
        rows += [Variant(name, scales, fill) for fill in fills]
    return rows


def pipeline_for(base: EngineSettings, variant: Variant) -> Pipeline:
    faces = base.faces.model_copy(
        update={
            "detector": variant.detector,
            "zoom_out": variant.zoom_out,
            "zoom_out_fill": variant.fill,
        }
    )
    return load_pipeline(base.model_copy(update={"faces": faces, "device": "cpu"}))


def on_real_photos(pipeline: Pipeline, photos: list[LabelledImage]) -> RealPhotos:
    """Faces found, detection time, and the largest face's emotion against the label."""
    found = 0
    seconds = 0.0
    correct = dict.fromkeys(EMOTIONS, 0)
    for index, photo in enumerate(photos, 1):
        prepared = pipeline.prepare(photo.read_bytes())
        seconds += prepared.timings["detect"]
        result = largest_face(pipeline, prepared)
        if result is not None:
            found += 1
            if max(range(len(EMOTIONS)), key=result.probs.__getitem__) == photo.label:
                correct[EMOTIONS[photo.label]] += 1
        if index % 50 == 0:
            print(f"  {index}/{len(photos)} photos", file=sys.stderr)
    return RealPhotos(found, 1000.0 * seconds / len(photos), correct)


def largest_face(pipeline: Pipeline, prepared: PreparedPhoto) -> FaceResult | None:
    """What the engine says about the photo's largest face (the one `ferbot analyze` users
    mean in a close-up); None when it found no face."""
    if not prepared.faces:
        return None
    (result,), _ = pipeline.infer([max(prepared.faces, key=lambda face: face.box.area)])
    return result


def iou(a: FaceBox, b: FaceBox) -> float:
    width = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    height = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    overlap = max(0.0, width) * max(0.0, height)
    return overlap / (a.area + b.area - overlap) if overlap else 0.0


def on_faceapi_samples(pipeline: Pipeline, reference: dict) -> Samples:
    """Faces found on face-api's samples, matched one to one to face-api's own boxes."""
    found = matched = 0
    for name, photo in reference["photos"].items():
        boxes = pipeline.detector.detect(Image.open(FACEAPI / name).convert("RGB"))
        found += len(boxes)
        unmatched = list(boxes)
        for face in photo["faces"]:
            expected = FaceBox(*face["box"], score=face["score"])
            best = max(unmatched, key=lambda box: iou(box, expected), default=None)
            if best is not None and iou(best, expected) >= MATCH_IOU:
                matched += 1
                unmatched.remove(best)
    return Samples(found, matched, found - matched)


def on_no_face_pictures(pipeline: Pipeline) -> int:
    return sum(len(pipeline.detector.detect(no_face_picture(name))) for name in NO_FACE_PICTURES)


def main() -> None:
    detector_names = [
        name
        for name in get_args(FaceSettings.model_fields["detector"].annotation)
        if name != "whole_image"
    ]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realphotos", type=Path, default=REALPHOTOS)
    parser.add_argument("--config", type=Path, help="ferbot settings (default: the defaults)")
    parser.add_argument("--detectors", default=",".join(detector_names))
    default_scales = ",".join(f"{scale:g}" for scale in FaceSettings().zoom_out)
    parser.add_argument("--scales", default=default_scales, help="zoom-out scales, in turn")
    parser.add_argument("--fills", default=",".join(get_args(ZoomFill)))
    args = parser.parse_args()
    torch.set_grad_enabled(False)

    base = load_settings(args.config).engine
    photos = image_folder(args.realphotos).images
    support = {name: sum(EMOTIONS[p.label] == name for p in photos) for name in EMOTIONS}
    reference = json.loads((FACEAPI / "reference.json").read_text())
    reference_faces = sum(len(photo["faces"]) for photo in reference["photos"].values())
    scales = tuple(float(scale) for scale in args.scales.split(","))
    rows = variants(args.detectors.split(","), scales, args.fills.split(","))

    classes = [name for name in EMOTIONS if support[name]]
    print(
        f"| detector | zoom-out | realphotos-dev: face found (/{len(photos)}) | ms/photo "
        "| accuracy (largest face) | "
        + " | ".join(f"{name} ({support[name]})" for name in classes)
        + f" | face-api samples: faces | matched (/{reference_faces}) | extra "
        f"| skimage, no face ({len(NO_FACE_PICTURES)}): faces |"
    )
    print("|---" * (9 + len(classes)) + "|")
    for variant in rows:
        print(f"{variant.detector}, zoom-out {variant.pass_name}", file=sys.stderr)
        started = time.perf_counter()
        try:
            pipeline = pipeline_for(base, variant)
        except ModelUnavailable as exc:
            print(f"| {variant.detector} | {variant.pass_name} | unavailable: {exc} |")
            continue
        real = on_real_photos(pipeline, photos)
        samples = on_faceapi_samples(pipeline, reference)
        false_alarms = on_no_face_pictures(pipeline)
        accuracy = sum(real.correct.values()) / len(photos)
        per_class = " | ".join(f"{real.correct[name] / support[name]:.2f}" for name in classes)
        print(
            f"| {variant.detector} | {variant.pass_name} | {real.found} | {real.detect_ms:.0f} "
            f"| {accuracy:.3f} | {per_class} | {samples.found} | {samples.matched} "
            f"| {samples.extra} | {false_alarms} |",
            flush=True,
        )
        print(f"  {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
