"""Catching up on a fresh gateway session: photos sent while the bot was down, from history.

Discord never redelivers a message to a bot: one sent while the process was down, or in
flight when it was killed, is only in its channel's history. A resumed session replays what
it missed, so only a fresh one (on_ready) reads history: for each chat where a photo was
recorded within the window, the messages sent within it that the bot has not replied to go
the way live messages go (the relay, with its rules on whom the bot answers).

"Answered" is judged by the bot's reply in the history, not by the store: the store records
a photo before its reply is sent, so a crash between the two leaves it recorded yet
unanswered. Such a photo is answered now and not recorded twice (the record is idempotent
per chat and message id): at least one answer, exactly one record. A message with several
photos counts as answered once any reply to it is seen.
"""

import logging
from datetime import UTC, datetime, timedelta

import aiohttp
import discord

from adapters.discord_adapter._incoming import PLATFORM
from adapters.discord_adapter._outgoing import cut_off
from adapters.discord_adapter._relay import Relay
from bot.core import Bot
from bot.events import Conversation
from bot.retry import retrying

log = logging.getLogger(__name__)

# One page of Discord's history: the newest messages of the window, so that a reply (always
# newer than what it answers) is read whenever the message it answers is.
MESSAGES_PER_CHANNEL = 100
# Each chat costs one history request at start-up, within Discord's 50 requests a second.
CHATS = 100
# What reading a channel's history may fail with: a refusal (403), a deleted channel (404),
# Discord's 5xx after discord.py's own retries, the connection, a timeout.
HISTORY_ERRORS = (discord.HTTPException, aiohttp.ClientError, TimeoutError)


class CatchUp:
    """Reads recent history once per fresh session and hands what was missed to the relay."""

    def __init__(self, bot: Bot, relay: Relay, minutes: int, retries: int) -> None:
        self._bot = bot
        self._relay = relay
        self._window = timedelta(minutes=minutes)
        self._retries = retries

    async def run(self, client: discord.Client) -> None:
        """Catch up in every chat active within the window, one after another (their photos
        share one engine); a chat whose history cannot be read is logged and skipped."""
        if not self._window or client.user is None:
            return
        since = datetime.now(UTC) - self._window
        for chat in await self._bot.chats_with_photos_since(PLATFORM, since, CHATS):
            channel = _channel_of(client, chat)
            if channel is None:
                continue
            try:
                caught_up = await self._channel(channel, since, client.user)
            except HISTORY_ERRORS as exc:
                log.warning(
                    "discord: catching up in channel %s failed: %s", chat.chat_id, _reason(exc)
                )
                continue
            log.info("discord: caught up %d messages in channel %s", caught_up, chat.chat_id)

    async def _channel(
        self, channel: discord.abc.Messageable, since: datetime, me: discord.ClientUser
    ) -> int:
        """Answer, oldest first, the messages since `since` that the bot has not replied to;
        how many were answered. A read whose connection broke is tried again (discord.py
        retries 5xx answers itself, not a cut connection)."""

        async def read() -> list[discord.Message]:
            return [
                message
                async for message in channel.history(
                    limit=MESSAGES_PER_CHANNEL, after=since, oldest_first=False
                )
            ]

        newest_first = await retrying(read, cut_off, self._retries, "reading discord history")
        replied_to = {
            message.reference.message_id
            for message in newest_first
            if message.author.id == me.id and message.reference is not None
        }
        caught_up = 0
        for message in reversed(newest_first):
            if message.id not in replied_to and await self._relay.message(message, me):
                caught_up += 1
        return caught_up


def _channel_of(client: discord.Client, chat: Conversation) -> discord.abc.Messageable | None:
    """A DM channel by its id (DMs come to the first shard only); a guild channel or thread
    from the client's cache, so that its messages know their guild (None where the bot left
    the guild, or another shard serves it)."""
    if chat.kind == "private":
        if client.shard_id:
            return None
        return client.get_partial_messageable(int(chat.chat_id), type=discord.ChannelType.private)
    channel = client.get_channel(int(chat.chat_id))
    return channel if isinstance(channel, discord.abc.Messageable) else None


def _reason(exc: Exception) -> str:
    """Discord's status and message; for anything else the error's name only, since a
    library's message may hold a URL."""
    if isinstance(exc, discord.HTTPException):
        return f"{exc.status} {exc.text}"
    return type(exc).__name__
