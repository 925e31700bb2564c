"""/history [7d|30d|90d|all]: a person's moods over a period, in a few lines and a chart."""

import asyncio
from collections import Counter
from collections.abc import Sequence

from bot.charts import history_chart
from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import EMOJI, Texts
from storage import DayCounts, PersonHistory

PERIODS = {"7d": 7, "30d": 30, "90d": 90}
_LAST_SHOWN = 3


async def history(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if command.chat.kind != "private":
        return Reply(texts("private_only"))
    period = command.args[0].lower() if command.args else "7d"
    if period not in (*PERIODS, "all"):
        return Reply(texts("history.usage"))
    return await history_reply(ctx, command.sender.platform, command.sender.user_id, period, texts)


async def history_reply(
    ctx: BotContext, platform: str, user_id: str, period: str, texts: Texts
) -> Reply:
    """A person's moods over `period` ("7d", "30d", "90d" or "all") in a few lines and a
    chart (none for a period without photos): what /history answers them, and what the
    operators' dashboard shows on their page."""
    days = PERIODS.get(period)
    # A fixed period is read twice as long, to compare it with the period before it.
    span = 2 * days if days else ctx.settings.storage.retention_days
    summary = await ctx.store.person_history(platform, user_id, days=span, last=_LAST_SHOWN)
    window = summary.days[-days:] if days else summary.days
    before = summary.days[:-days] if days else None
    # "all" is all the store keeps: it says so, naming the retention window.
    title = texts(f"period.{period}", days=ctx.settings.storage.retention_days)
    text = history_text(summary, window, before, title, texts)
    if not any(day.photos for day in window):
        return Reply(text)
    totals = _totals(window)
    series = [(day.day, dict(day.emotions.counts)) for day in window]
    chart = await asyncio.to_thread(history_chart, totals, series, texts, _capital(title))
    return Reply(text, image=chart)


def history_text(
    summary: PersonHistory,
    window: Sequence[DayCounts],
    before: Sequence[DayCounts] | None,
    period: str,
    texts: Texts,
) -> str:
    """Photos, the most frequent emotion and its share, the period before, a streak, the
    latest results; all in the person's language."""
    totals = _totals(window)
    photos = sum(day.photos for day in window)
    if not totals:
        return texts("history.empty", period=period)
    top, count = totals.most_common(1)[0]
    share = count / sum(totals.values())
    lines = [
        texts(
            "history.summary",
            period=period,
            photos=photos,
            emoji=EMOJI[top],
            emotion=texts.emotion(top),
            share=f"{share:.0%}",
        )
    ]
    if before is not None:
        lines.append(_before_line(before, texts))
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


def _before_line(before: Sequence[DayCounts], texts: Texts) -> str:
    totals = _totals(before)
    if not totals:
        return texts("history.before_none", days=len(before))
    top = totals.most_common(1)[0][0]
    return texts(
        "history.before",
        days=len(before),
        photos=sum(day.photos for day in before),
        emoji=EMOJI[top],
        emotion=texts.emotion(top),
    )


def _totals(days: Sequence[DayCounts]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for day in days:
        totals.update({e: n for e, n in day.emotions.counts.items() if n})
    return totals


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
