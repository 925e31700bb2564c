"""The bot's commands, one module each; `COMMANDS` maps a command name to its handler."""

from collections.abc import Awaitable, Callable

from bot.commands import auto, forget, history, information, lang, optout, stats, summary
from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts

Handler = Callable[[BotContext, Command, Texts], Awaitable[Reply]]

COMMANDS: dict[str, Handler] = {
    "start": information.start,
    "help": information.help_,
    "privacy": information.privacy,
    "history": history.history,
    "forget": forget.forget,
    "lang": lang.lang,
    "auto": auto.auto,
    "stats": stats.stats,
    "summary": summary.summary,
    "summary_schedule": summary.summary_schedule,
    "summary_tz": summary.summary_tz,
    "summary_alert": summary.summary_alert,
    "optout": optout.optout,
}

# What platforms show in their command menus, in the order shown.
MENU = ("help", "history", "forget", "privacy", "lang", "optout", "summary", "auto")


def menu(texts: Texts) -> tuple[tuple[str, str], ...]:
    """The command menu as (name, one-line description) in the language of `texts`."""
    return tuple((name, texts(f"menu.{name}")) for name in MENU)
