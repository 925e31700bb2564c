"""/lang ko|en: the person's language, kept in their preferences."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import LANGUAGES, Texts


async def lang(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    choice = command.args[0].lower() if command.args else ""
    if choice not in LANGUAGES:
        return Reply(texts("lang.usage"))
    await ctx.change_preferences(command.sender, language=choice)
    return Reply(Texts(choice)("lang.set"))
