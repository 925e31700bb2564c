"""Training the classifier heads on cached features: every kind, several seeds, the best exported.

The controls the study never ran (CNN-only, text-only) are trained exactly like the fusion
heads, on the same features and splits, so the comparison is fair. Each (kind, seed) run is
saved as it finishes; running again skips finished runs, so an interrupted sweep resumes.
"""

import json
import logging
import shutil
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn
from tqdm import tqdm

from fer_engine.checkpoints import CNN_WEIGHTS_FILE, HeadMetadata, load_head, save_head
from fer_engine.heads import HEADS, HeadKind, HeadSpec, build_head
from fer_engine.settings import EngineSettings
from fer_engine.train.cnn_training import ClassBalance
from fer_engine.train.datasets import class_weights
from fer_engine.train.features import FeatureTable
from fer_engine.train.metrics import ClassificationReport, classification_report

log = logging.getLogger(__name__)

RESULT_FILE = "result.json"
SUMMARY_FILE = "heads.json"
BEST_FOLDER = "best"


class HeadTrainingConfig(BaseModel):
    """One sweep: these head kinds, each trained once per seed with the same settings."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: tuple[HeadKind, ...] = tuple(HEADS)
    seeds: tuple[int, ...] = (0, 1, 2)
    epochs: int = Field(60, ge=1)
    patience: int = Field(10, ge=1)
    batch_size: int = Field(128, ge=1)
    lr: float = Field(1e-3, gt=0)
    weight_decay: float = Field(1e-2, ge=0)
    hidden: int = Field(256, ge=1)
    heads: int = Field(4, ge=1)
    dropout: float = Field(0.3, ge=0, lt=1)
    balance: ClassBalance = "none"


@dataclass(frozen=True)
class HeadRun:
    """One trained head: where it is and how it scored on validation and test."""

    kind: str
    seed: int
    epochs: int
    val_accuracy: float
    val_macro_f1: float
    test_accuracy: float
    test_macro_f1: float
    test_per_class: dict[str, float]


def head_spec(kind: str, features: FeatureTable, config: HeadTrainingConfig) -> HeadSpec:
    """The shape of a `kind` head over these features."""
    x = features.inputs
    uses_text = kind != "cnn"
    return HeadSpec(
        kind=kind,
        image_dim=x.image.shape[-1],
        image_token_dim=x.image_tokens.shape[-1],
        text_dim=x.text.shape[-1] if uses_text else 0,
        text_token_dim=x.text_tokens.shape[-1] if uses_text else 0,
        hidden=config.hidden,
        heads=config.heads,
        dropout=config.dropout,
    )


def train_head(
    spec: HeadSpec,
    train: FeatureTable,
    val: FeatureTable,
    config: HeadTrainingConfig,
    seed: int,
) -> tuple[nn.Module, int]:
    """A head trained until val accuracy stops improving for `patience` epochs; the best epoch's
    weights and its number."""
    torch.manual_seed(seed)
    head = build_head(spec)
    optimizer = torch.optim.AdamW(head.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    weights = torch.from_numpy(class_weights(train.labels.tolist()))
    loss_fn = nn.CrossEntropyLoss(weight=weights if config.balance == "loss" else None)
    generator = torch.Generator().manual_seed(seed)
    best, best_epoch, best_state = -1.0, 0, None
    for epoch in range(1, config.epochs + 1):
        head.train()
        for index in _batches(train, config, weights, generator):
            loss = loss_fn(head(train.rows(index)), train.labels[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        accuracy = evaluate_head(head, val).accuracy
        if accuracy > best:
            best, best_epoch = accuracy, epoch
            best_state = {k: v.detach().clone() for k, v in head.state_dict().items()}
        elif epoch - best_epoch >= config.patience:
            break
    head.load_state_dict(best_state)
    return head.eval(), best_epoch


def _batches(
    train: FeatureTable,
    config: HeadTrainingConfig,
    weights: torch.Tensor,
    generator: torch.Generator,
) -> list[torch.Tensor]:
    n = len(train)
    if config.balance == "sampler":
        order = torch.multinomial(weights[train.labels].double(), n, True, generator=generator)
    else:
        order = torch.randperm(n, generator=generator)
    return list(order.split(config.batch_size))


@torch.inference_mode()
def evaluate_head(
    head: nn.Module, features: FeatureTable, batch: int = 512
) -> ClassificationReport:
    """Accuracy, macro-F1 and per-class accuracy of `head` on cached features."""
    head.eval()
    predictions: list[int] = []
    for index in torch.arange(len(features)).split(batch):
        predictions += head(features.rows(index)).argmax(dim=-1).tolist()
    return classification_report(features.labels.tolist(), predictions)


def run_heads(
    train: FeatureTable,
    val: FeatureTable,
    test: FeatureTable,
    settings: EngineSettings,
    config: HeadTrainingConfig,
    out: Path,
    note: str = "",
) -> list[HeadRun]:
    """Every kind x seed of `config` (finished runs in `out` are kept), the best by validation
    accuracy exported to `out/best` as the engine's head checkpoint, a summary in heads.json."""
    runs: list[HeadRun] = []
    plan = [(kind, seed) for kind in config.kinds for seed in config.seeds]
    for kind, seed in tqdm(plan, desc="heads", unit="run"):
        if kind != "cnn" and train.inputs.text is None:
            raise ValueError(f"a {kind!r} head needs caption features: extract them with text")
        folder = out / f"{kind}-seed{seed}"
        if (folder / RESULT_FILE).is_file():
            runs.append(HeadRun(**json.loads((folder / RESULT_FILE).read_text())))
            continue
        spec = head_spec(kind, train, config)
        head, epochs = train_head(spec, train, val, config, seed)
        val_report, test_report = evaluate_head(head, val), evaluate_head(head, test)
        run = HeadRun(
            kind,
            seed,
            epochs,
            val_report.accuracy,
            val_report.macro_f1,
            test_report.accuracy,
            test_report.macro_f1,
            test_report.per_class_accuracy,
        )
        training = {"run": asdict(run), "config": config.model_dump(), "dataset": note}
        save_head(folder, head, _metadata(spec, settings, training))
        (folder / RESULT_FILE).write_text(json.dumps(asdict(run), indent=2) + "\n")
        tqdm.write(
            f"{kind} seed {seed}: val {run.val_accuracy:.4f}, test {run.test_accuracy:.4f} "
            f"(macro-F1 {run.test_macro_f1:.4f})"
        )
        runs.append(run)
    best = max(runs, key=lambda run: run.val_accuracy)
    shutil.rmtree(out / BEST_FOLDER, ignore_errors=True)
    shutil.copytree(out / f"{best.kind}-seed{best.seed}", out / BEST_FOLDER)
    if Path(settings.cnn.weights).is_file():
        # The head is only right on the CNN it was trained on: ship that CNN with it.
        shutil.copyfile(settings.cnn.weights, out / BEST_FOLDER / CNN_WEIGHTS_FILE)
    load_head(out / BEST_FOLDER)  # what was exported must load the way the engine loads it
    (out / SUMMARY_FILE).write_text(json.dumps(summarise(runs), indent=2) + "\n")
    return runs


def _metadata(spec: HeadSpec, settings: EngineSettings, training: dict) -> HeadMetadata:
    text = {}
    if spec.uses_text:
        text = {
            "captioner_model": settings.captioner.model,
            "caption_prompt": settings.captioner.prompt,
            "text_encoder_model": settings.text_encoder.model,
        }
    return HeadMetadata(
        spec=spec,
        cnn_arch=settings.cnn.arch,
        cnn_input_size=settings.cnn.input_size,
        training=training | {"margin": settings.faces.margin},
        **text,
    )


def summarise(runs: list[HeadRun]) -> dict[str, dict]:
    """Per kind: mean and spread (sample standard deviation) over seeds of the test metrics."""
    summary = {}
    for kind in dict.fromkeys(run.kind for run in runs):
        mine = [run for run in runs if run.kind == kind]
        summary[kind] = {
            "seeds": [run.seed for run in mine],
            "val_accuracy": _mean_spread([run.val_accuracy for run in mine]),
            "test_accuracy": _mean_spread([run.test_accuracy for run in mine]),
            "test_macro_f1": _mean_spread([run.test_macro_f1 for run in mine]),
            "test_per_class": {
                emotion: statistics.fmean(run.test_per_class[emotion] for run in mine)
                for emotion in mine[0].test_per_class
            },
        }
    return summary


def _mean_spread(values: list[float]) -> dict[str, float]:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": statistics.fmean(values), "std": spread}
