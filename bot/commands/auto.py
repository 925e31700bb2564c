"""/auto on|off: whether the bot reads every photo in a group (its admins decide)."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts

CHOICES = {"on": True, "off": False}


async def auto(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if command.chat.kind == "private":
        return Reply(texts("groups_only"))
    if not command.sender_is_admin:
        return Reply(texts("admins_only"))
    choice = command.args[0].lower() if command.args else ""
    if choice not in CHOICES:
        return Reply(texts("auto.usage"))
    await ctx.change_chat_settings(command.chat, auto_analysis=CHOICES[choice])
    return Reply(texts(f"auto.{choice}"))
