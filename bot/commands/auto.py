"""/auto on|off: whether the bot reads every photo in a group (its admins decide)."""

from dataclasses import replace

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts
from storage import ChatRef

CHOICES = {"on": True, "off": False}


async def auto(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    chat = command.chat
    if chat.kind == "private":
        return Reply(texts("groups_only"))
    if not command.sender_is_admin:
        return Reply(texts("admins_only"))
    choice = command.args[0].lower() if command.args else ""
    if choice not in CHOICES:
        return Reply(texts("auto.usage"))
    settings = await ctx.store.chat_settings(chat.platform, chat.chat_id)
    ref = ChatRef(chat.platform, chat.chat_id, chat.kind, chat.title)
    await ctx.store.set_chat_settings(ref, replace(settings, auto_analysis=CHOICES[choice]))
    return Reply(texts(f"auto.{choice}"))
