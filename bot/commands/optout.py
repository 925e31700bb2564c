"""/optout on|off: whether a person may be named among a group's most active people."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts

CHOICES = {"on": True, "off": False}


async def optout(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    choice = command.args[0].lower() if command.args else ""
    if choice not in CHOICES:
        return Reply(texts("optout.usage"))
    await ctx.change_preferences(command.sender, opt_out_summaries=CHOICES[choice])
    return Reply(texts(f"optout.{choice}"))
