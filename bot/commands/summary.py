"""/summary and its settings: a group's mood now, on a schedule, in its time zone, with an
alert level. Only the group's admins may use them."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.context import BotContext
from bot.digest import build_digest
from bot.events import Command
from bot.recording import chat_ref
from bot.replies import Reply
from bot.schedule import parse_schedule
from bot.texts import Texts
from storage import ChatSettings, ScheduledChat

WINDOWS = {"1d": 1, "7d": 7, "30d": 30}


async def summary(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if refusal := _refusal(command, texts):
        return refusal
    window = command.args[0].lower() if command.args else "7d"
    if window not in WINDOWS:
        return Reply(texts("summary.usage"))
    digest = await build_digest(ctx.store, command.chat, WINDOWS[window], texts)
    return digest or Reply(texts("digest.empty", period=texts(f"period.{window}")))


async def summary_schedule(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if refusal := _refusal(command, texts):
        return refusal
    words = tuple(word.lower() for word in command.args)
    schedule = parse_schedule(words)
    if words != ("off",) and schedule is None:
        return Reply(texts("schedule.usage"))
    settings = await _save(ctx, command, texts, summary_cron=schedule.cron if schedule else None)
    if schedule is None:
        return Reply(texts("schedule.off"))
    return Reply(texts("schedule.set", schedule=schedule.describe(), timezone=settings.timezone))


async def summary_tz(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if refusal := _refusal(command, texts):
        return refusal
    name = command.args[0] if len(command.args) == 1 else ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        return Reply(texts("timezone.usage"))
    await _save(ctx, command, texts, timezone=name)
    return Reply(texts("timezone.set", timezone=name))


async def summary_alert(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if refusal := _refusal(command, texts):
        return refusal
    word = command.args[0].lower() if len(command.args) == 1 else ""
    if word == "off":
        await _save(ctx, command, texts, negative_alert_share=None)
        return Reply(texts("alert.off"))
    share = _percent(word)
    if share is None:
        return Reply(texts("alert.usage"))
    await _save(ctx, command, texts, negative_alert_share=share)
    return Reply(texts("alert.set", threshold=f"{share:.0%}"))


def _refusal(command: Command, texts: Texts) -> Reply | None:
    if command.chat.kind == "private":
        return Reply(texts("groups_only"))
    if not command.sender_is_admin:
        return Reply(texts("admins_only"))
    return None


async def _save(ctx: BotContext, command: Command, texts: Texts, **changes: object) -> ChatSettings:
    """Change some of the chat's settings and reschedule; digests speak the language of the
    admin who changed them last."""
    settings = await ctx.change_chat_settings(command.chat, language=texts.language, **changes)
    ctx.digests.schedule(ScheduledChat(chat_ref(command.chat), settings))
    return settings


def _percent(word: str) -> float | None:
    try:
        value = float(word.rstrip("%"))
    except ValueError:
        return None
    share = value / 100 if word.endswith("%") or value > 1 else value
    return share if 0 < share < 1 else None
