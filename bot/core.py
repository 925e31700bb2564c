"""The bot core: one event in, at most one reply out, for every platform alike."""

import logging
from datetime import datetime

from bot import feedback
from bot.commands import COMMANDS, forget
from bot.context import BotContext
from bot.events import (
    ButtonPress,
    Command,
    Conversation,
    Event,
    NotAPicture,
    OversizedFile,
    Photo,
    Sender,
)
from bot.photos import answer_photo, should_answer
from bot.replies import Reply
from bot.tally import Tally
from bot.texts import DEFAULT_LANGUAGE, Texts

log = logging.getLogger(__name__)


class Bot:
    """Decides what to answer. Adapters translate platform updates into events and render
    replies; nothing here knows which platform an event came from."""

    def __init__(self, context: BotContext) -> None:
        self.context = context
        self.tally = Tally()

    async def handle(self, event: Event) -> Reply | None:
        """The reply to `event`, or None when the bot should stay silent (a group photo not
        meant for it). Any failure becomes an apology and a log line, never a traceback."""
        kind = type(event).__name__
        try:
            reply = await self._dispatch(event)
        except Exception:
            log.exception("handling a %s from %s failed", kind, event.sender.platform)
            self.tally.errors["handler"] += 1
            reply = await self.apology(event.sender)
        if reply is not None:
            self.tally.replies[kind] += 1
        return reply

    async def will_answer(self, photo: Photo) -> bool:
        """Whether `handle(photo)` would answer, judged without reading `photo.data`: adapters
        ask first so that group photos not meant for the bot are never downloaded and nobody
        sees the bot "typing" about them."""
        try:
            return await should_answer(self.context, photo)
        except Exception:
            log.exception("deciding whether to answer a photo in %s failed", photo.chat.platform)
            return False

    async def chats_with_photos_since(
        self, platform: str, since: datetime, limit: int
    ) -> tuple[Conversation, ...]:
        """The conversations of `platform` where a photo sent at `since` or later was recorded,
        the most recently active first: where an adapter whose platform does not redeliver
        (Discord) looks for photos it missed while it was down.

        A photo is recorded before its reply is sent, so a crash between the two leaves it
        recorded yet unanswered; an adapter that catches up must therefore judge "answered"
        by the reply it finds on the platform, not by this record. Handled again, such a
        photo is answered (at least once) and not recorded twice (the record is idempotent
        per conversation and message id): at-least-once answer, exactly-once record.
        """
        chats = await self.context.store.chats_with_photos_since(platform, since, limit=limit)
        return tuple(
            Conversation(chat.platform, chat.chat_id, chat.kind, chat.title) for chat in chats
        )

    async def apology(self, sender: Sender) -> Reply:
        """The generic "something went wrong on my side", in the sender's language, for
        failures an adapter meets outside `handle` (a download that broke off)."""
        try:
            return Reply((await self.context.texts_for(sender))("sorry"))
        except Exception:  # the store itself may be what failed
            return Reply(Texts(DEFAULT_LANGUAGE)("sorry"))

    async def _dispatch(self, event: Event) -> Reply | None:
        texts = await self.context.texts_for(event.sender)
        if isinstance(event, Photo):
            if not await should_answer(self.context, event):
                return None
            return await answer_photo(self.context, event, texts)
        if isinstance(event, Command):
            handler = COMMANDS.get(event.name.lower())
            if handler is None:
                return Reply(texts("unknown_command"))
            return await handler(self.context, event, texts)
        if isinstance(event, ButtonPress) and event.data.startswith(f"{forget.PREFIX}:"):
            return await forget.confirmed(self.context, event, texts)
        if isinstance(event, ButtonPress) and event.data.startswith(f"{feedback.PREFIX}:"):
            return await feedback.pressed(self.context, event, texts)
        if isinstance(event, OversizedFile):
            return Reply(texts("too_large_to_download", limit_mb=event.limit_mb))
        if isinstance(event, NotAPicture):
            return Reply(texts("bad_image.wrong_format"))
        return None
