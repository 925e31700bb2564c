"""The inference engine: photo bytes in, every face's emotion, probabilities and caption out.

The package names the engine's light types (settings, errors, results); the `Engine` itself
is imported from `fer_engine.engine`, so that reading settings or an error loads no torch.
"""

from fer_engine.analysis import Analysis, Face
from fer_engine.emotions import EMOTIONS
from fer_engine.errors import (
    BadImage,
    CheckpointMismatch,
    EngineBusy,
    EngineClosed,
    EngineError,
    EngineTimeout,
    ModelUnavailable,
    UserFacingError,
)
from fer_engine.settings import EngineSettings
from fer_engine.stats import EngineStats

__all__ = [
    "EMOTIONS",
    "Analysis",
    "BadImage",
    "CheckpointMismatch",
    "EngineBusy",
    "EngineClosed",
    "EngineError",
    "EngineSettings",
    "EngineStats",
    "EngineTimeout",
    "Face",
    "ModelUnavailable",
    "UserFacingError",
]
