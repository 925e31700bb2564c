"""What crosses into the store and back: who, where, what one photo showed, and preferences.

The bot converts its own types (an engine `Analysis`, a platform's user) into these; the store
knows nothing of either. Every value is checked on construction, so a bad one fails where it
was made rather than as a database error later.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.emotions import EMOTIONS

ChatKind = Literal["private", "group", "channel"]
CHAT_KINDS: tuple[ChatKind, ...] = ("private", "group", "channel")

# Platform ids are indexed; PostgreSQL refuses index entries over ~2.7 kB, so ids are bounded
# well below that. Names, titles and captions are not indexed and have no bound.
MAX_ID_CHARS = 256


def _check_id(what: str, value: str) -> None:
    if not 0 < len(value) <= MAX_ID_CHARS:
        raise ValueError(f"{what} must be 1 to {MAX_ID_CHARS} characters, got {len(value)}")


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: too long for a path
        raise ValueError(f"unknown time zone {name!r}; use an IANA name like 'Asia/Seoul'") from exc


@dataclass(frozen=True)
class PersonRef:
    """A person as their platform names them. `language` is the platform's hint, kept when
    the person is first seen; `display_name` is refreshed on every record."""

    platform: str
    user_id: str
    display_name: str = ""
    language: str | None = None

    def __post_init__(self) -> None:
        _check_id("platform", self.platform)
        _check_id("user id", self.user_id)


@dataclass(frozen=True)
class ChatRef:
    """A conversation as its platform names it; `title` and `kind` are refreshed on every record."""

    platform: str
    chat_id: str
    kind: ChatKind
    title: str = ""

    def __post_init__(self) -> None:
        _check_id("platform", self.platform)
        _check_id("chat id", self.chat_id)
        if self.kind not in CHAT_KINDS:
            raise ValueError(f"chat kind {self.kind!r} is not one of {', '.join(CHAT_KINDS)}")


@dataclass(frozen=True)
class FaceRecord:
    """One face: a probability for each of the seven emotions, its caption if one was
    written (none in the engine's `cnn` mode), and the comment the bot made on it (kept so
    that an answer redrawn after a correction says what it said before)."""

    probabilities: Mapping[str, float]
    caption: str | None = None
    comment: str | None = None

    def __post_init__(self) -> None:
        if set(self.probabilities) != set(EMOTIONS):
            raise ValueError(
                f"probabilities must name exactly {', '.join(EMOTIONS)}; "
                f"got {', '.join(self.probabilities)}"
            )


@dataclass(frozen=True)
class AnalysisRecord:
    """What one photo showed, as recorded: never the photo itself.

    `message_id` makes recording idempotent within a chat: a redelivered update is counted once.
    A platform message carrying several photos gives each its own id (e.g. "812:2").
    `dominant_emotion` is the caller's verdict for the whole photo; it is None exactly when
    no face was found. `at` is when the photo was sent, with its time zone.
    """

    person: PersonRef
    chat: ChatRef
    message_id: str
    at: datetime
    faces: tuple[FaceRecord, ...]
    dominant_emotion: str | None
    model_version: str
    latency_ms: float

    def __post_init__(self) -> None:
        _check_id("message id", self.message_id)
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"analysis time {self.at.isoformat()} has no time zone")
        if self.dominant_emotion is None and self.faces:
            raise ValueError("an analysis with faces needs a dominant emotion")
        if self.dominant_emotion is not None and not self.faces:
            raise ValueError("an analysis without faces has no dominant emotion")
        if self.dominant_emotion is not None and self.dominant_emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {self.dominant_emotion!r}")


@dataclass(frozen=True)
class PersonPreferences:
    """What a person chose. `opt_out_history`: nothing they send is recorded;
    `opt_out_summaries`: they are never named among a group's top contributors."""

    language: str | None = None
    timezone: str = "UTC"
    opt_out_history: bool = False
    opt_out_summaries: bool = False

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)


@dataclass(frozen=True)
class ChatSettings:
    """How a chat wants its summaries: in which time zone, on which schedule (a cron line;
    None: never), from how many photos on, above which share of negative emotions the bot
    should speak up (None: never), and in which language (that of the admin who set them).
    `auto_analysis`: the bot reads every photo posted there, not only those addressed to it.
    `digests_paused`: an operator held the scheduled digests back; the schedule is kept for
    when they resume."""

    timezone: str = "UTC"
    summary_cron: str | None = None
    summary_min_photos: int = 1
    negative_alert_share: float | None = None
    auto_analysis: bool = False
    language: str | None = None
    digests_paused: bool = False

    def __post_init__(self) -> None:
        _check_timezone(self.timezone)
        if self.summary_min_photos < 0:
            raise ValueError("summary_min_photos cannot be negative")
        if self.negative_alert_share is not None and not 0 <= self.negative_alert_share <= 1:
            raise ValueError("negative_alert_share is a share, between 0 and 1")


@dataclass(frozen=True)
class ScheduledChat:
    """A chat that asked for summaries on a schedule, with its settings."""

    chat: ChatRef
    settings: ChatSettings


@dataclass(frozen=True)
class Correction:
    """A person saying face `face` (numbered from 1, left to right) of the photo `message_id`
    in a chat shows `emotion`, not what the bot answered. One per person per face: a later
    one replaces it."""

    platform: str
    chat_id: str
    message_id: str
    face: int
    user_id: str
    emotion: str
    at: datetime

    def __post_init__(self) -> None:
        _check_id("message id", self.message_id)
        _check_id("user id", self.user_id)
        if self.face < 1:
            raise ValueError(f"faces are numbered from 1, got {self.face}")
        if self.emotion not in EMOTIONS:
            raise ValueError(f"unknown emotion {self.emotion!r}")
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"correction time {self.at.isoformat()} has no time zone")


@dataclass(frozen=True)
class CorrectedAnalysis:
    """A recorded photo's analysis and its sender's corrections, by face number."""

    analysis: AnalysisRecord
    corrections: Mapping[int, str]
