"""/history [7d|30d|all]: a person's moods over a period, in a few lines."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import EMOJI, Texts
from storage import PersonHistory

PERIODS = {"7d": 7, "30d": 30}
_LAST_SHOWN = 3


async def history(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if command.chat.kind != "private":
        return Reply(texts("private_only"))
    period = command.args[0].lower() if command.args else "7d"
    if period not in (*PERIODS, "all"):
        return Reply(texts("history.usage"))
    days = PERIODS.get(period, ctx.settings.storage.retention_days)
    sender = command.sender
    summary = await ctx.store.person_history(
        sender.platform, sender.user_id, days=days, last=_LAST_SHOWN
    )
    return Reply(history_text(summary, texts(f"period.{period}"), texts))


def history_text(summary: PersonHistory, period: str, texts: Texts) -> str:
    """The summary in the person's language: photos, most frequent, streak, latest results."""
    top = summary.emotions.most_frequent
    if summary.photos == 0 or top is None:
        return texts("history.empty", period=period)
    lines = [
        texts(
            "history.summary",
            period=period,
            photos=summary.photos,
            emoji=EMOJI[top],
            emotion=texts.emotion(top),
            share=f"{summary.emotions.shares[top]:.0%}",
        )
    ]
    streak = summary.current_streak
    if streak is not None and streak.days > 1:
        lines.append(
            texts(
                "history.streak",
                emoji=EMOJI[streak.emotion],
                emotion=texts.emotion(streak.emotion),
                days=streak.days,
            )
        )
    latest = [
        f"{EMOJI[record.dominant_emotion]} {texts.emotion(record.dominant_emotion)} "
        f"({record.at:%m-%d})"
        for record in summary.last
        if record.dominant_emotion is not None
    ]
    if latest:
        lines.append(texts("history.last", items=", ".join(latest)))
    return "\n".join(lines)
