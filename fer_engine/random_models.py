"""Random-weight models of the engine's families, built from configs without any download.

Tests, benchmarks and the first-run demo use them: `save_tiny_models` writes tiny ones with
`save_pretrained` so they load through the production loader; `published_*` build the real
published shapes in memory for GPU benchmarks. Their captions are gibberish by design.
"""

import re
from collections.abc import Iterable
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
from fer_engine.checkpoints import HeadMetadata, save_head
from fer_engine.heads import HEADS, HeadSpec, build_head
from fer_engine.settings import CaptionerSettings
from fer_engine.text_encoder import TextEncoder

Family = Literal["opt", "t5"]
Size = Literal["tiny", "published"]

PAD, UNK, IMAGE, BOS, EOS = range(5)
SPECIAL_TOKENS = ("<pad>", "<unk>", "<image>", "<s>", "</s>")
OPENAI_CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_CLIP_STD = (0.26862954, 0.26130258, 0.27577711)

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


def blip2_config(family: Family, size: Size, vocab_size: int) -> Blip2Config:
    """BLIP-2 with OPT or flan-t5: tiny (2 layers, width 32) or the published 2.7B / xl shapes."""
    tiny = size == "tiny"
    vision = (
        dict(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            patch_size=8,
        )
        if tiny
        else dict(
            hidden_size=1408,
            intermediate_size=6144,
            num_hidden_layers=39,
            num_attention_heads=16,
            image_size=224,
            patch_size=14,
        )
    )
    qformer = (
        dict(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            encoder_hidden_size=32,
            cross_attention_frequency=1,
        )
        if tiny
        else dict(
            hidden_size=768,
            intermediate_size=3072,
            num_hidden_layers=12,
            num_attention_heads=12,
            encoder_hidden_size=1408,
            cross_attention_frequency=2,
        )
    )
    ids = dict(vocab_size=vocab_size, pad_token_id=PAD, bos_token_id=BOS, eos_token_id=EOS)
    if family == "opt":
        text = dict(
            model_type="opt",
            **ids,
            **(
                dict(
                    hidden_size=32,
                    ffn_dim=64,
                    num_hidden_layers=2,
                    num_attention_heads=2,
                    word_embed_proj_dim=32,
                    max_position_embeddings=128,
                )
                if tiny
                else dict(
                    hidden_size=2560,
                    ffn_dim=10240,
                    num_hidden_layers=32,
                    num_attention_heads=32,
                    word_embed_proj_dim=2560,
                    max_position_embeddings=2048,
                )
            ),
        )
    else:
        text = dict(
            model_type="t5",
            decoder_start_token_id=PAD,
            feed_forward_proj="gated-gelu",
            tie_word_embeddings=False,
            **ids,
            **(
                dict(d_model=32, d_ff=64, d_kv=16, num_heads=2, num_layers=2, num_decoder_layers=2)
                if tiny
                else dict(
                    d_model=2048,
                    d_ff=5120,
                    d_kv=64,
                    num_heads=32,
                    num_layers=24,
                    num_decoder_layers=24,
                )
            ),
        )
    config = Blip2Config(
        vision_config=vision,
        qformer_config=qformer,
        text_config=text,
        num_query_tokens=4 if tiny else 32,
        image_token_index=IMAGE,
    )
    config.image_token_id = IMAGE
    return config


def clip_text_config(size: Size, vocab_size: int) -> CLIPTextConfig:
    """CLIP's text tower: tiny, or the published ViT-L/14 text shapes (768-d)."""
    ids = dict(vocab_size=vocab_size, pad_token_id=PAD, bos_token_id=BOS, eos_token_id=EOS)
    if size == "tiny":
        return CLIPTextConfig(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            projection_dim=16,
            **ids,
        )
    return CLIPTextConfig(
        hidden_size=768,
        intermediate_size=3072,
        num_hidden_layers=12,
        num_attention_heads=12,
        projection_dim=768,
        hidden_act="quick_gelu",
        **ids,
    )


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


def published_captioner(
    family: Family, device: torch.device, dtype: torch.dtype, new_tokens: int
) -> Captioner:
    """Random BLIP-2 (OPT-2.7B or flan-t5-xl shapes) that always writes exactly `new_tokens`."""
    with torch.device(device):
        model, processor = _blip2(family, "published", CaptionerSettings().prompt)
    return Captioner(model.to(dtype), processor, CaptionerSettings().prompt, new_tokens, new_tokens)


def published_text_encoder(device: torch.device, dtype: torch.dtype) -> TextEncoder:
    """Random CLIP ViT-L/14 text tower (768-d)."""
    with torch.device(device):
        model, tokenizer = _clip_text("published")
    return TextEncoder(model.to(dtype), tokenizer, max_tokens=77)


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
