"""Between Discord and the bot core: messages and interactions in, replies out."""

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from adapters.discord_adapter._incoming import Delivery, conversation_of, sender_of
from adapters.discord_adapter._outgoing import cut_off, post, render
from adapters.discord_adapter._settings import DiscordSettings
from adapters.discord_adapter._text import escaped
from bot.core import Bot
from bot.events import ButtonPress, Command
from bot.replies import Reply
from bot.retry import retrying

log = logging.getLogger(__name__)

# What a download from Discord's CDN may fail with: an HTTP status, the connection, a timeout.
DOWNLOAD_ERRORS = (discord.HTTPException, aiohttp.ClientError, TimeoutError)
# How many message ids the relay remembers having taken up: far more than arrive while a
# catch-up reads channel history, the only time one message may come twice.
REMEMBERED_MESSAGES = 10_000


class Relay:
    """Turns what Discord delivers into the core's events and sends the core's replies back.

    Interactions are deferred before anything slow happens (a download, the analysis), since
    Discord drops those not answered within 3 seconds; the answer follows up.
    """

    def __init__(self, bot: Bot, settings: DiscordSettings) -> None:
        self._bot = bot
        self._limit_mb = settings.max_attachment_mb
        self._retries = settings.network_retries
        self._taken: OrderedDict[int, None] = OrderedDict()

    async def message(self, message: discord.Message, me: discord.abc.User) -> bool:
        """Every attachment of a message analysed at once and answered in order: in a DM, in
        a channel where the message is for the bot, or where the core reads every photo.
        True if it was answered. A message comes here live and may come again from a catch-up
        reading history at the same time; only its first coming is taken up."""
        if message.author.bot or not message.attachments or not self._take(message.id):
            return False
        delivery = Delivery(
            sender_of(message.author),
            conversation_of(message),
            message.created_at,
            _for_me(message, me),
        )
        if not await self._bot.will_answer(delivery.unread(str(message.id))):
            return False
        several = len(message.attachments) > 1
        replies = await asyncio.gather(
            *(
                self._reply(
                    delivery, attachment, f"{message.id}:{n}" if several else str(message.id)
                )
                for n, attachment in enumerate(message.attachments, start=1)
            )
        )
        reference = message.to_reference(fail_if_not_exists=False)
        for reply in replies:
            if reply is not None:
                await post(message.channel, reply, reference, self._retries)
        return True

    def _take(self, message_id: int) -> bool:
        """False if this message was taken up before (the latest REMEMBERED_MESSAGES count)."""
        if message_id in self._taken:
            return False
        self._taken[message_id] = None
        if len(self._taken) > REMEMBERED_MESSAGES:
            self._taken.popitem(last=False)
        return True

    async def analyze(self, interaction: discord.Interaction, photo: discord.Attachment) -> None:
        """/analyze: the attachment is the photo, addressed to the bot wherever it is used."""
        delivery = Delivery(
            sender_of(interaction.user, interaction.locale),
            conversation_of(interaction),
            interaction.created_at,
            addressed=True,
        )
        await self._answer(interaction, lambda: self._reply(delivery, photo, str(interaction.id)))

    async def command(
        self,
        interaction: discord.Interaction,
        name: str,
        args: tuple[str, ...] = (),
        personal: bool = False,
    ) -> None:
        """A slash command as the core's Command; `personal` answers are seen only by the
        person who asked when they ask in a guild channel."""
        permissions = interaction.permissions
        command = Command(
            sender_of(interaction.user, interaction.locale),
            conversation_of(interaction),
            name,
            args,
            sender_is_admin=permissions.manage_guild or permissions.manage_messages,
        )
        await self._answer(interaction, lambda: self._bot.handle(command), personal)

    async def press(self, interaction: discord.Interaction) -> None:
        """A button the bot sent, pressed: its custom_id is what the core put in it. The core
        answers a press at once (no download, no analysis), so the interaction is answered
        after it: a notice privately, an in-place answer by editing the message the button
        sat on (its picture stays), anything else as before, to the presser."""
        data = (interaction.data or {}).get("custom_id")
        if not isinstance(data, str):
            return
        press = ButtonPress(
            sender_of(interaction.user, interaction.locale), conversation_of(interaction), data
        )
        reply = await self._bot.handle(press)
        if reply is not None and reply.shown == "notice":
            await interaction.response.send_message(
                escaped(reply.text), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        elif reply is not None and reply.shown == "in_place":
            await interaction.response.edit_message(**render(reply)[0].edit())
        else:
            await self._answer(interaction, _ready(reply), personal=True)

    async def _answer(
        self,
        interaction: discord.Interaction,
        reply: Callable[[], Awaitable[Reply | None]],
        personal: bool = False,
    ) -> None:
        ephemeral = personal and interaction.guild_id is not None
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
        answer = await reply()
        if answer is None:  # nothing to say: take the "thinking…" message away
            await interaction.delete_original_response()
            return
        for part in render(answer):
            await interaction.followup.send(ephemeral=ephemeral, **part.message())

    async def _reply(
        self, delivery: Delivery, attachment: discord.Attachment, message_id: str
    ) -> Reply | None:
        try:
            event = await retrying(
                lambda: delivery.event(attachment, message_id, self._limit_mb),
                cut_off,
                self._retries,
                "downloading a discord attachment",
            )
        except DOWNLOAD_ERRORS:
            log.warning(
                "downloading attachment %s (%s) of discord message %s failed",
                attachment.id,
                attachment.filename,
                message_id,
                exc_info=True,
            )
            return await self._bot.apology(delivery.sender)
        return None if event is None else await self._bot.handle(event)


def _ready(reply: Reply | None) -> Callable[[], Awaitable[Reply | None]]:
    async def ready() -> Reply | None:
        return reply

    return ready


def _for_me(message: discord.Message, me: discord.abc.User) -> bool:
    """In a DM always; in a channel when it mentions the bot (not @everyone) or replies to it."""
    if message.guild is None:
        return True
    if any(user.id == me.id for user in message.mentions):
        return True
    replied = message.reference.resolved if message.reference else None
    return isinstance(replied, discord.Message) and replied.author.id == me.id
