"""/optout on|off: whether a person may be named among a group's most active people."""

from dataclasses import replace

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts
from storage import PersonRef

CHOICES = {"on": True, "off": False}


async def optout(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    choice = command.args[0].lower() if command.args else ""
    if choice not in CHOICES:
        return Reply(texts("optout.usage"))
    sender = command.sender
    preferences = await ctx.store.preferences(sender.platform, sender.user_id)
    person = PersonRef(sender.platform, sender.user_id, sender.display_name, sender.language)
    await ctx.store.set_preferences(person, replace(preferences, opt_out_summaries=CHOICES[choice]))
    return Reply(texts(f"optout.{choice}"))
