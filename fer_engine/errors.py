"""Errors the engine raises; the ones a person may see carry a code the bot words for them."""

from typing import Literal

_MAX_PROBLEM_CHARS = 240

BadImageReason = Literal[
    "empty", "not_a_picture", "wrong_format", "damaged", "too_many_bytes", "too_many_pixels"
]


class EngineError(Exception):
    """Base of every error the engine raises on purpose."""


class UserFacingError(EngineError):
    """An error the person who sent the photo is told about. It carries a `code`, not a
    sentence: the bot says it in the person's language (bot/texts.py holds every sentence).
    `detail` is for logs and operators."""

    code: str

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{self.code}: {detail}" if detail else self.code)
        self.detail = detail


class BadImage(UserFacingError):
    """The bytes are not a picture the engine will decode (format, size, damage); `reason`
    names the case, and the code is "bad_image.<reason>"."""

    def __init__(self, reason: BadImageReason, detail: str = "") -> None:
        self.reason = reason
        self.code = f"bad_image.{reason}"
        super().__init__(detail)


class EngineBusy(UserFacingError):
    """The request queue is full; answered at once so callers can shed load."""

    code = "busy"


class EngineTimeout(UserFacingError):
    """A request took longer than `engine.timeout_s`."""

    code = "timeout"


class EngineClosed(UserFacingError):
    """The engine is shutting down and takes no new requests."""

    code = "restarting"


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
