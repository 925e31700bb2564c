"""Errors the engine raises; the ones a person may see carry the sentence shown to them."""

from typing import Literal

_MAX_PROBLEM_CHARS = 240

BadImageReason = Literal[
    "empty", "not_a_picture", "wrong_format", "damaged", "too_many_bytes", "too_many_pixels"
]


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class UserFacingError(EngineError):
    """An error whose message is written for the person who sent the photo."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadImage(UserFacingError):
    """The bytes are not a picture the engine will decode (format, size, damage).

    `reason` names the case (empty, not_a_picture, wrong_format, damaged, too_many_bytes,
    too_many_pixels) so a bot can say it in the person's language.
    """

    def __init__(self, message: str, reason: BadImageReason) -> None:
        super().__init__(message)
        self.reason = reason


class EngineBusy(UserFacingError):
    """The request queue is full; answered at once so callers can shed load."""

    def __init__(self, message: str = "I'm busy right now; please try again in a moment.") -> None:
        super().__init__(message)


class EngineTimeout(UserFacingError):
    """A request took longer than `engine.timeout_s`."""

    def __init__(self, message: str = "That took too long; please try again.") -> None:
        super().__init__(message)


class EngineClosed(UserFacingError):
    """The engine is shutting down and takes no new requests."""

    def __init__(self, message: str = "I'm restarting; please try again in a minute.") -> None:
        super().__init__(message)


class ModelUnavailable(EngineError):
    """A model could not be loaded at start-up; the one-line message names the setting to change."""

    def __init__(self, problem: str, setting: str, expected: str) -> None:
        env = "FERBOT_" + setting.upper().replace(".", "__")
        # Library errors span many lines; a start-up failure must read as one.
        problem = " ".join(problem.split())
        if len(problem) > _MAX_PROBLEM_CHARS:
            problem = problem[: _MAX_PROBLEM_CHARS - 3] + "..."
        super().__init__(f"{problem}; set {setting} ({env}) to {expected}")
        self.setting = setting


class CheckpointMismatch(EngineError):
    """A head checkpoint was trained for other classes, features or models than configured."""
