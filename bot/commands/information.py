"""/start, /help and /privacy: what the bot does and what it keeps."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts


async def start(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    return Reply(texts("start"))


async def help_(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    return Reply(texts("help"))


async def privacy(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    return Reply(texts("privacy", retention_days=ctx.settings.storage.retention_days))
