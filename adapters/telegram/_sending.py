"""Sending the bot core's reply into a chat: text with buttons, or a picture with a caption."""

from telegram import Bot, ReplyParameters
from telegram.constants import MessageLimit, ParseMode

from adapters.telegram._render import html_of, keyboard_of
from bot.replies import Reply


async def send(
    bot: Bot, chat_id: int, reply: Reply, *, reply_to: int | None, thread_id: int | None
) -> None:
    """Quote `reply_to` when given (it may have been deleted meanwhile: send anyway)."""
    text = html_of(reply)
    common = {
        "chat_id": chat_id,
        "parse_mode": ParseMode.HTML,
        "reply_markup": keyboard_of(reply.buttons),
        "message_thread_id": thread_id,
        "reply_parameters": (
            ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        ),
    }
    if reply.image is None:
        await bot.send_message(text=text, **common)
    elif len(text) <= MessageLimit.CAPTION_LENGTH:
        await bot.send_photo(photo=reply.image, caption=text, **common)
    else:  # too long for a caption: the picture, then the words
        await bot.send_photo(photo=reply.image, **(common | {"reply_markup": None}))
        await bot.send_message(text=text, **common)


async def edit(
    bot: Bot, chat_id: int, message_id: int, reply: Reply, *, captioned: bool = False
) -> None:
    """Replace the words (and buttons) of a message the bot sent: its text, or the caption of
    its picture (`captioned`; the picture stays). A caption grown past Telegram's limit
    comes as a new message instead."""
    text = html_of(reply)
    keyboard = keyboard_of(reply.buttons)
    if not captioned:
        await bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    elif len(text) <= MessageLimit.CAPTION_LENGTH:
        await bot.edit_message_caption(
            chat_id=chat_id,
            message_id=message_id,
            caption=text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
        )
    else:
        await send(bot, chat_id, reply, reply_to=message_id, thread_id=None)
