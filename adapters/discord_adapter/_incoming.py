"""Discord people, channels and attachments as the bot core's events."""

import mimetypes
from dataclasses import dataclass
from datetime import datetime

import discord

from bot.events import Conversation, NotAPicture, OversizedFile, Photo, Sender

PLATFORM = "discord"
_MB = 1024 * 1024


def sender_of(user: discord.abc.User, locale: discord.Locale | None = None) -> Sender:
    """Interactions carry the person's client language ("ko", "en-US"); messages do not."""
    return Sender(PLATFORM, str(user.id), user.display_name, locale.value if locale else None)


def conversation_of(place: discord.Message | discord.Interaction) -> Conversation:
    """A DM is a private chat; a guild channel (or thread) is a group, titled with its guild."""
    channel = place.channel
    channel_id = str(channel.id) if channel is not None else str(place.channel_id)
    if isinstance(place, discord.Message):
        person, in_guild = place.author, place.guild is not None
    else:
        person, in_guild = place.user, place.guild_id is not None
    if not in_guild:
        return Conversation(PLATFORM, channel_id, "private", person.display_name)
    name = f"#{getattr(channel, 'name', None) or channel_id}"
    title = f"{place.guild.name} {name}" if place.guild is not None else name
    return Conversation(PLATFORM, channel_id, "group", title)


def is_picture(attachment: discord.Attachment) -> bool:
    """By the type Discord reports, else by the file name: nothing is downloaded to tell."""
    kind = attachment.content_type or mimetypes.guess_type(attachment.filename)[0] or ""
    return kind.startswith("image/")


@dataclass(frozen=True)
class Delivery:
    """Attachments arriving: who sent them, where, when, and whether to the bot itself."""

    sender: Sender
    chat: Conversation
    at: datetime
    addressed: bool

    def unread(self, message_id: str) -> Photo:
        """A photo of this delivery with nothing read yet, to ask the core whether it would
        answer before anything is downloaded."""
        return Photo(self.sender, self.chat, message_id, b"", self.at, self.addressed)

    async def event(
        self, attachment: discord.Attachment, message_id: str, limit_mb: int
    ) -> Photo | OversizedFile | NotAPicture | None:
        """A picture within the limit is downloaded; anything else is refused unread, and
        answered only when addressed to the bot (an auto-read channel stays quiet)."""
        if not is_picture(attachment):
            return NotAPicture(self.sender, self.chat) if self.addressed else None
        if attachment.size > limit_mb * _MB:
            return OversizedFile(self.sender, self.chat, limit_mb) if self.addressed else None
        data = await attachment.read()
        return Photo(self.sender, self.chat, message_id, data, self.at, self.addressed)
