"""Showing "typing…" in a chat for as long as the bot works on a photo."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)

# Telegram shows a chat action for 5 s (or until the bot's next message), so it is repeated
# a little sooner while the analysis lasts.
_REPEAT_S = 4.0


@contextlib.asynccontextmanager
async def typing_in(bot: Bot, chat_id: int, thread_id: int | None) -> AsyncIterator[None]:
    """Show the action until the block ends; leave before sending the answer, or the action
    would show again for a few seconds after it."""

    async def keep_showing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
            except TelegramError as exc:  # a lost "typing" must never cost the answer
                log.info("chat action in %s failed: %s", chat_id, exc)
            await asyncio.sleep(_REPEAT_S)

    task = asyncio.create_task(keep_showing(), name=f"typing-{chat_id}")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
