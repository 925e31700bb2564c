"""Calibrated confidence: how often an answer given with p% confidence is right, and the one
temperature that makes the two agree.

A net trained to minimise cross-entropy on one dataset is often over- (or under-) confident
on the next; dividing its logits by a single temperature fitted on validation keeps its
ranking (so accuracy is unchanged) and makes "not sure" (`bot.unsure_below`) mean something.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np

ECE_BINS = 15


@dataclass(frozen=True)
class Calibration:
    """A fitted temperature and the expected calibration error at temperature 1 and at it."""

    temperature: float
    error_before: float
    error_after: float


def expected_calibration_error(
    probs: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS
) -> float:
    """The gap between confidence and accuracy, averaged over equal-width confidence bins and
    weighted by how many answers fall in each (Guo et al., 2017)."""
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    error = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(error)


def with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / temperature), row by row."""
    scaled = logits / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature (between 0.05 and 20) that minimises the negative log-likelihood of
    `labels`, by golden-section search on its logarithm: the likelihood is unimodal in it."""

    def nll(log_t: float) -> float:
        probs = with_temperature(logits, math.exp(log_t))
        return float(-np.log(np.clip(probs[np.arange(len(labels)), labels], 1e-12, 1)).mean())

    low, high = math.log(0.05), math.log(20.0)
    ratio = (math.sqrt(5) - 1) / 2
    for _ in range(60):
        left, right = high - ratio * (high - low), low + ratio * (high - low)
        if nll(left) < nll(right):
            high = right
        else:
            low = left
    return math.exp((low + high) / 2)


def calibrate(probs: np.ndarray, labels: np.ndarray, current_temperature: float) -> Calibration:
    """The temperature for a head whose engine gave `probs` while serving at
    `current_temperature`.

    The engine's probabilities are softmax(logits / T): their logarithms times T are the
    logits up to a per-face constant, which the softmax ignores, so a head already calibrated
    is fitted afresh from its raw logits.
    """
    logits = np.log(np.clip(probs, 1e-12, 1.0)) * current_temperature
    temperature = fit_temperature(logits, labels)
    return Calibration(
        temperature,
        expected_calibration_error(with_temperature(logits, 1.0), labels),
        expected_calibration_error(with_temperature(logits, temperature), labels),
    )
