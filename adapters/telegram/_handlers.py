"""What the bot does with each kind of update: photos and image files, commands, buttons."""

import logging
from dataclasses import replace

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from adapters.telegram._admins import sender_is_admin
from adapters.telegram._downloads import download
from adapters.telegram._events import command_of, conversation_of, is_addressed, sender_of
from adapters.telegram._sending import edit, send
from adapters.telegram._typing import typing_in
from bot.commands import COMMANDS
from bot.core import Bot
from bot.events import ButtonPress, Command, NotAPicture, OversizedFile, Photo
from bot.replies import Reply

log = logging.getLogger(__name__)

# New messages only: an edited caption must not bring a second answer to the same photo.
_NEW = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
ALLOWED_UPDATES = (Update.MESSAGE, Update.CHANNEL_POST, Update.CALLBACK_QUERY)


class Handlers:
    """Turns updates into the bot core's events and its replies into messages."""

    def __init__(self, bot: Bot, max_download_mb: int) -> None:
        self._bot = bot
        self._max_download_mb = max_download_mb

    def register(self, application: Application) -> None:
        """Photos (every photo of an album is its own message), image files, the core's
        commands anywhere, unknown commands in private chats only (in a group they may be
        another bot's), and button presses."""
        application.add_handlers(
            [
                MessageHandler(_NEW & (filters.PHOTO | filters.Document.IMAGE), self.photo),
                MessageHandler(_NEW & filters.Document.ALL, self.not_a_picture),
                CommandHandler(list(COMMANDS), self.command, filters=_NEW),
                MessageHandler(_NEW & filters.COMMAND & filters.ChatType.PRIVATE, self.command),
                CallbackQueryHandler(self.button),
            ]
        )
        application.add_error_handler(self.failed)

    async def photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask the core first, so a group photo not meant for the bot is never downloaded."""
        message = _message(update)
        attachment = message.photo[-1] if message.photo else message.document
        if attachment is None:
            return
        photo = Photo(
            sender_of(update),
            conversation_of(message.chat),
            str(message.message_id),
            b"",
            at=message.date,
            addressed=is_addressed(message, context.bot),
        )
        if not await self._bot.will_answer(photo):
            return
        async with typing_in(context.bot, message.chat_id, _thread(message)):
            try:
                data = await download(attachment, self._max_download_mb)
            except TelegramError as exc:  # retried already; the person still gets an answer
                log.warning("downloading the photo of message %s failed: %s", photo.message_id, exc)
                reply = await self._bot.apology(photo.sender)
            else:
                if data is None:
                    event = OversizedFile(photo.sender, photo.chat, self._max_download_mb)
                    reply = await self._bot.handle(event)
                else:
                    reply = await self._bot.handle(replace(photo, data=data))
        await self._answer(context, message, reply)

    async def not_a_picture(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A file whose type says it is no picture (a PDF, a video, none at all): never
        downloaded; in a private chat, or addressed to the bot in a group, the person learns
        which pictures the bot reads."""
        message = _message(update)
        if message.chat.type != ChatType.PRIVATE and not is_addressed(message, context.bot):
            return
        event = NotAPicture(sender_of(update), conversation_of(message.chat))
        await self._answer(context, message, await self._bot.handle(event))

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = _message(update)
        name, args = command_of(message)
        admin = await sender_is_admin(message, context.bot)
        event = Command(sender_of(update), conversation_of(message.chat), name, args, admin)
        await self._answer(context, message, await self._bot.handle(event))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The press is answered (the button stops spinning) with the core's notice, if it
        has one for the presser alone; otherwise the message it sat under is edited to say
        what happened (its caption, under a picture), and a picture, or a message too old to
        edit, comes anew."""
        query = update.callback_query
        if query is None:
            return
        if query.message is None or query.data is None:
            await query.answer()
            return
        chat = query.message.chat
        press = ButtonPress(sender_of(update), conversation_of(chat), query.data)
        reply = await self._bot.handle(press)
        if reply is not None and reply.shown == "notice":
            await query.answer(reply.text, show_alert=True)
            return
        await query.answer()
        if reply is None:
            return
        message = query.message
        if isinstance(message, Message) and reply.image is None:
            captioned = bool(message.photo)
            await edit(context.bot, chat.id, message.message_id, reply, captioned=captioned)
        else:
            await send(context.bot, chat.id, reply, reply_to=None, thread_id=None)

    async def failed(self, update: object, context: CallbackContext) -> None:
        """Telegram or the network failed while answering; the core never raises."""
        chat = update.effective_chat if isinstance(update, Update) else None
        log.error(
            "answering an update in chat %s failed: %r",
            chat.id if chat else "?",
            context.error,
            exc_info=context.error,
        )

    async def _answer(
        self, context: ContextTypes.DEFAULT_TYPE, message: Message, reply: Reply | None
    ) -> None:
        if reply is not None:
            await send(
                context.bot,
                message.chat_id,
                reply,
                reply_to=message.message_id,
                thread_id=_thread(message),
            )


def _message(update: Update) -> Message:
    message = update.effective_message
    if message is None:  # the filters let only messages through
        raise ValueError(f"update {update.update_id} carries no message")
    return message


def _thread(message: Message) -> int | None:
    """Answers in a forum group go to the topic the message came from."""
    return message.message_thread_id if message.is_topic_message else None
