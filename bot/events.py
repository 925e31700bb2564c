"""What adapters hand to the bot core: photos, commands and button presses, platform-free."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

ChatKind = Literal["private", "group", "channel"]


@dataclass(frozen=True)
class Sender:
    """A person as their platform names them; `language` is the platform's hint ("ko", "en-US")."""

    platform: str
    user_id: str
    display_name: str = ""
    language: str | None = None


@dataclass(frozen=True)
class Conversation:
    """Where an event happened: a private chat with the bot, a group or a channel."""

    platform: str
    chat_id: str
    kind: ChatKind = "private"
    title: str = ""


@dataclass(frozen=True)
class Photo:
    """A picture someone sent. `addressed`: in a group, it replies to or mentions the bot.

    `message_id` is unique within the conversation (an album's photos get "812:2" and so on);
    it makes recording idempotent when a platform redelivers an update.
    """

    sender: Sender
    chat: Conversation
    message_id: str
    data: bytes
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    addressed: bool = False


@dataclass(frozen=True)
class Command:
    """`/name args...`. `sender_is_admin`: the sender administers this conversation."""

    sender: Sender
    chat: Conversation
    name: str
    args: tuple[str, ...] = ()
    sender_is_admin: bool = False


@dataclass(frozen=True)
class ButtonPress:
    """Someone pressed a button the bot sent; `data` is what the bot put in it."""

    sender: Sender
    chat: Conversation
    data: str


@dataclass(frozen=True)
class OversizedFile:
    """A picture too large for the platform to hand over (or for us to take); not downloaded."""

    sender: Sender
    chat: Conversation
    limit_mb: int


Event = Photo | Command | ButtonPress | OversizedFile
