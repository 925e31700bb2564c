"""Random-weight models of the engine's families, built from configs without any download.

Tests, benchmarks and the first-run demo use them: `save_tiny_models` writes tiny ones with
`save_pretrained` so they load through the production loader; `published_*` build the real
published shapes in memory for GPU benchmarks. Their captions are gibberish by design.
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import torch
import torchvision
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import (
    Blip2Config,
    Blip2ForConditionalGeneration,
    Blip2Processor,
    BlipImageProcessor,
    CLIPTextConfig,
    CLIPTextModelWithProjection,
    PreTrainedTokenizerFast,
)

from fer_engine.captioner import Captioner
from fer_engine.checkpoints import HeadMetadata, LoadedHead, save_head
from fer_engine.cnn import load_cnn
from fer_engine.heads import HEADS, HeadSpec, build_head
from fer_engine.hub import model_dtype
from fer_engine.loading import build_detector
from fer_engine.pipeline import Pipeline
from fer_engine.settings import (
    CaptionerSettings,
    CnnSettings,
    EngineSettings,
    FaceSettings,
    TextEncoderSettings,
)
from fer_engine.text_encoder import TextEncoder

Family = Literal["opt", "t5"]
Size = Literal["tiny", "published"]

PAD, UNK, IMAGE, BOS, EOS = range(5)
SPECIAL_TOKENS = ("<pad>", "<unk>", "<image>", "<s>", "</s>")
OPENAI_CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_CLIP_STD = (0.26862954, 0.26130258, 0.27577711)

PUBLISHED_IDS = {
    "opt": "Salesforce/blip2-opt-2.7b",
    "t5": "Salesforce/blip2-flan-t5-xl",
    "clip": "openai/clip-vit-large-patch14",
}
# Vocabulary sizes of the published tokenizers, so random models have the published shapes.
PUBLISHED_VOCAB = {"opt": 50272, "t5": 32128, "clip": 49408}
TINY_VOCAB = 256
TINY_CNN_ARCH = "resnet18"
TINY_CNN_INPUT = 64


def build_tokenizer(words: Iterable[str], vocab_size: int) -> PreTrainedTokenizerFast:
    """A word-level tokenizer that knows `words` and fills the rest of `vocab_size` with fillers.

    It adds `<s>`/`</s>` around every text (CLIP pools at `</s>`) and treats `<image>` as one
    special token, as BLIP-2's processor needs.
    """
    vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS)}
    for word in words:
        vocab.setdefault(word, len(vocab))
    while len(vocab) < vocab_size:
        vocab[f"w{len(vocab)}"] = len(vocab)
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", BOS), ("</s>", EOS)]
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
        model_max_length=77,
    )
    tokenizer.add_special_tokens({"additional_special_tokens": ["<image>"]})
    return tokenizer


def _prompt_words(prompt: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]+", prompt)


def _transformer(hidden: int, intermediate: int, layers: int, heads: int) -> dict[str, int]:
    return {
        "hidden_size": hidden,
        "intermediate_size": intermediate,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
    }


# Tiny shapes keep every stage real but run in milliseconds on a CPU. Published shapes are
# BLIP-2's ViT-g and Q-Former with OPT-2.7B or flan-t5-xl, and CLIP ViT-L/14's text tower.
_VISION = {
    "tiny": _transformer(32, 64, 2, 2) | {"image_size": 32, "patch_size": 8},
    "published": _transformer(1408, 6144, 39, 16) | {"image_size": 224, "patch_size": 14},
}
_QFORMER = {
    "tiny": _transformer(32, 64, 2, 2)
    | {"encoder_hidden_size": 32, "cross_attention_frequency": 1},
    "published": _transformer(768, 3072, 12, 12)
    | {"encoder_hidden_size": 1408, "cross_attention_frequency": 2},
}
_LANGUAGE = {
    "opt": {
        "tiny": {
            "hidden_size": 32,
            "ffn_dim": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
        },
        "published": {
            "hidden_size": 2560,
            "ffn_dim": 10240,
            "num_hidden_layers": 32,
            "num_attention_heads": 32,
        },
    },
    "t5": {
        "tiny": {"d_model": 32, "d_ff": 64, "d_kv": 16, "num_heads": 2, "num_layers": 2},
        "published": {"d_model": 2048, "d_ff": 5120, "d_kv": 64, "num_heads": 32, "num_layers": 24},
    },
}
_CLIP_TEXT = {
    "tiny": _transformer(32, 64, 2, 2) | {"projection_dim": 16},
    "published": _transformer(768, 3072, 12, 12)
    | {"projection_dim": 768, "hidden_act": "quick_gelu"},
}
_QUERY_TOKENS = {"tiny": 4, "published": 32}


def blip2_config(family: Family, size: Size, vocab_size: int) -> Blip2Config:
    """BLIP-2 with OPT or flan-t5, tiny or in the published 2.7B / xl shapes."""
    ids = {"vocab_size": vocab_size, "pad_token_id": PAD, "bos_token_id": BOS, "eos_token_id": EOS}
    text = {"model_type": family, **ids, **_LANGUAGE[family][size]}
    if family == "opt":
        text["word_embed_proj_dim"] = text["hidden_size"]
    else:
        text |= {
            "num_decoder_layers": text["num_layers"],
            "decoder_start_token_id": PAD,
            "feed_forward_proj": "gated-gelu",
            "tie_word_embeddings": False,
        }
    config = Blip2Config(
        vision_config=_VISION[size],
        qformer_config=_QFORMER[size],
        text_config=text,
        num_query_tokens=_QUERY_TOKENS[size],
        image_token_index=IMAGE,
    )
    config.image_token_id = IMAGE
    return config


def clip_text_config(size: Size, vocab_size: int) -> CLIPTextConfig:
    """CLIP's text tower: tiny, or the published ViT-L/14 text shapes (768-d)."""
    ids = {"vocab_size": vocab_size, "pad_token_id": PAD, "bos_token_id": BOS, "eos_token_id": EOS}
    return CLIPTextConfig(**ids, **_CLIP_TEXT[size])


def _blip2(
    family: Family, size: Size, prompt: str
) -> tuple[Blip2ForConditionalGeneration, Blip2Processor]:
    vocab = TINY_VOCAB if size == "tiny" else PUBLISHED_VOCAB[family]
    config = blip2_config(family, size, vocab)
    image_size = config.vision_config.image_size
    processor = Blip2Processor(
        image_processor=BlipImageProcessor(
            size={"height": image_size, "width": image_size},
            image_mean=OPENAI_CLIP_MEAN,
            image_std=OPENAI_CLIP_STD,
        ),
        tokenizer=build_tokenizer(_prompt_words(prompt), vocab),
        num_query_tokens=config.num_query_tokens,
    )
    model = Blip2ForConditionalGeneration(config).eval()
    with torch.no_grad():
        # Random weights favour special tokens, so captions would come out empty; with their
        # output rows zeroed, random models write (meaningless) words.
        model.get_output_embeddings().weight[: len(SPECIAL_TOKENS)] = 0
    return model, processor


def _clip_text(size: Size) -> tuple[CLIPTextModelWithProjection, PreTrainedTokenizerFast]:
    vocab = TINY_VOCAB if size == "tiny" else PUBLISHED_VOCAB["clip"]
    return CLIPTextModelWithProjection(clip_text_config(size, vocab)).eval(), build_tokenizer(
        [], vocab
    )


def random_captioner(
    family: Family, size: Size, device: torch.device, dtype: torch.dtype, new_tokens: int
) -> Captioner:
    """Random BLIP-2 in memory that always writes exactly `new_tokens` (for benchmarks).

    Built directly in `dtype` on `device`; the Q-Former stays in fp32 as `from_pretrained`
    keeps it, so the benchmark runs what production runs.
    """
    with torch.device(device), _default_dtype(dtype):
        model, processor = _blip2(family, size, CaptionerSettings().prompt)
    model.qformer.float()
    model.query_tokens.data = model.query_tokens.data.float()
    prompt = CaptionerSettings().prompt
    return Captioner(model, processor, prompt, new_tokens, min_new_tokens=new_tokens)


def random_text_encoder(size: Size, device: torch.device, dtype: torch.dtype) -> TextEncoder:
    """Random CLIP text tower in memory: tiny, or ViT-L/14's (768-d)."""
    with torch.device(device), _default_dtype(dtype):
        model, tokenizer = _clip_text(size)
    return TextEncoder(model, tokenizer, max_tokens=77)


@contextmanager
def _default_dtype(dtype: torch.dtype) -> Iterator[None]:
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def random_pipeline(
    family: Family, size: Size, device: torch.device, new_tokens: int, faces: FaceSettings
) -> Pipeline:
    """A whole fusion pipeline of random models in memory: BLIP-2, CLIP text, CNN, gated head.

    Published size is DenseNet121 at 224, BLIP-2 OPT-2.7B or flan-t5-xl and CLIP-L/14 text,
    in bf16 on CUDA: the shapes the GPU benchmarks measure.
    """
    dtype = model_dtype(device)
    captioner = random_captioner(family, size, device, dtype, new_tokens)
    text_encoder = random_text_encoder(size, device, dtype)
    published = size == "published"
    cnn_settings = CnnSettings(
        arch="densenet121" if published else TINY_CNN_ARCH,
        weights="none",
        input_size=224 if published else TINY_CNN_INPUT,
    )
    cnn = load_cnn(cnn_settings, offline=True).to(device)
    captioner_id = PUBLISHED_IDS[family] if published else f"tiny-blip2-{family}"
    text_id = PUBLISHED_IDS["clip"] if published else "tiny-clip-text"
    spec = HeadSpec(
        kind="gated",
        image_dim=cnn.pooled_dim,
        image_token_dim=cnn.token_dim,
        text_dim=text_encoder.pooled_dim,
        text_token_dim=text_encoder.token_dim,
    )
    metadata = HeadMetadata(
        spec=spec,
        cnn_arch=cnn_settings.arch,
        cnn_input_size=cnn_settings.input_size,
        captioner_model=captioner_id,
        caption_prompt=captioner.prompt,
        text_encoder_model=text_id,
    )
    settings = EngineSettings(
        mode="fusion",
        device=str(device),
        faces=faces,
        cnn=cnn_settings,
        captioner=CaptionerSettings(model=captioner_id, max_new_tokens=new_tokens),
        text_encoder=TextEncoderSettings(model=text_id),
    )
    head = LoadedHead(build_head(spec), metadata, fingerprint="random")
    return Pipeline(settings, build_detector(faces, device), cnn, head, captioner, text_encoder)


def save_tiny_models(folder: Path, prompt: str = CaptionerSettings().prompt) -> Path:
    """Write tiny BLIP-2 (OPT and T5), CLIP text, a CNN and every head kind; return a config file.

    The config file names them all, so `ferbot --config <it> analyze photo.jpg` works offline.
    """
    folder = folder.resolve()
    torch.manual_seed(0)
    for family in ("opt", "t5"):
        model, processor = _blip2(family, "tiny", prompt)
        model.save_pretrained(folder / f"blip2-{family}")
        processor.save_pretrained(folder / f"blip2-{family}")
    clip, tokenizer = _clip_text("tiny")
    clip.save_pretrained(folder / "clip-text")
    tokenizer.save_pretrained(folder / "clip-text")

    cnn = getattr(torchvision.models, TINY_CNN_ARCH)(weights=None)
    cnn_path = folder / f"{TINY_CNN_ARCH}.safetensors"
    save_file({k: v.contiguous() for k, v in cnn.state_dict().items()}, cnn_path)
    feature_dim = cnn.fc.in_features
    for kind in HEADS:
        spec = HeadSpec(
            kind=kind,
            image_dim=feature_dim,
            image_token_dim=feature_dim,
            text_dim=0 if kind == "cnn" else clip.config.projection_dim,
            text_token_dim=0 if kind == "cnn" else clip.config.hidden_size,
            hidden=32,
            heads=2,
        )
        if kind == "cnn":
            _save_random_head(folder / "heads" / kind, spec)
            continue
        # Every fusion head once per captioner family: heads/<kind> (flan-t5), heads/<kind>-opt.
        for family, suffix in (("t5", ""), ("opt", "-opt")):
            _save_random_head(
                folder / "heads" / f"{kind}{suffix}",
                spec,
                captioner_model=str(folder / f"blip2-{family}"),
                caption_prompt=prompt,
                text_encoder_model=str(folder / "clip-text"),
            )

    config = folder / "ferbot.toml"
    config.write_text(
        "# Tiny random models written by `ferbot make-tiny-models`: they run anywhere, offline,\n"
        "# and their emotions and captions are meaningless.\n"
        '[engine]\nmode = "fusion"\noffline = true\n\n'
        f'[engine.cnn]\narch = "{TINY_CNN_ARCH}"\nweights = "{cnn_path}"\n'
        f"input_size = {TINY_CNN_INPUT}\n\n"
        f'[engine.captioner]\nmodel = "{folder / "blip2-t5"}"\n\n'
        f'[engine.text_encoder]\nmodel = "{folder / "clip-text"}"\n\n'
        f'[engine.head]\ncheckpoint = "{folder / "heads" / "gated"}"\n'
    )
    return config


def _save_random_head(folder: Path, spec: HeadSpec, **text_models: str) -> None:
    metadata = HeadMetadata(
        spec=spec,
        cnn_arch=TINY_CNN_ARCH,
        cnn_input_size=TINY_CNN_INPUT,
        training={"note": "random weights, for tests and demos"},
        **text_models,
    )
    save_head(folder, build_head(spec), metadata)
