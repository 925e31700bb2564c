"""What the app keeps for its pages: the bot's context (engine, store, settings, scheduler)."""

from starlette.requests import Request

from bot.context import BotContext


def context_of(request: Request) -> BotContext:
    """The running bot's context: the same engine, store and digest scheduler it uses."""
    context: BotContext = request.app.state.bot_context
    return context
