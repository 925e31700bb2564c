"""/lang ko|en: the person's language, kept in their preferences."""

from dataclasses import replace

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import LANGUAGES, Texts
from storage import PersonRef


async def lang(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    choice = command.args[0].lower() if command.args else ""
    if choice not in LANGUAGES:
        return Reply(texts("lang.usage"))
    sender = command.sender
    preferences = await ctx.store.preferences(sender.platform, sender.user_id)
    person = PersonRef(sender.platform, sender.user_id, sender.display_name, sender.language)
    await ctx.store.set_preferences(person, replace(preferences, language=choice))
    return Reply(Texts(choice)("lang.set"))
