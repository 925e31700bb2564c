"""A group's mood digest: photos, people, emotions, the negative share and its change, who was
most active (never those who opted out) and when; with a chart. Nothing for an empty window."""

import asyncio
from datetime import datetime

from bot.charts import digest_chart
from bot.events import Conversation
from bot.replies import Reply
from bot.texts import EMOJI, Texts
from storage import ChatSummary, Store

_MOOD_SHOWN = 3
_HOURS_SHOWN = 3


async def build_digest(
    store: Store, chat: Conversation, days: int, texts: Texts, now: datetime | None = None
) -> Reply | None:
    """The digest of the last `days` local days of `chat` up to `now`; None when it had no
    photo."""
    summary = await store.chat_summary(chat.platform, chat.chat_id, days=days, now=now)
    if summary.photos == 0:
        return None
    settings = await store.chat_settings(chat.platform, chat.chat_id)
    title = texts("digest.title", title=chat.title or chat.chat_id, period=texts(f"period.{days}d"))
    text = digest_text(summary, settings.negative_alert_share, title, texts)
    chart = await asyncio.to_thread(
        digest_chart,
        dict(summary.emotions.counts),
        dict(summary.previous.counts),
        summary.hours,
        texts,
        title,
    )
    return Reply(text, image=chart)


def digest_text(
    summary: ChatSummary,
    alert_share: float | None,
    title: str,
    texts: Texts,
) -> str:
    shares = summary.emotions.shares
    mood = ", ".join(
        f"{EMOJI[name]} {texts.emotion(name)} {share:.0%}"
        for name, share in sorted(shares.items(), key=lambda item: -item[1])[:_MOOD_SHOWN]
        if share > 0
    )
    lines = [
        title,
        texts("digest.photos", photos=summary.photos, people=summary.active_people),
        texts("digest.mood", items=mood),
    ]
    negative = summary.emotions.negative_share
    if negative is not None:
        lines.append(
            texts("digest.negative", share=f"{negative:.0%}", change=_change(summary, texts))
        )
        if alert_share is not None and negative > alert_share:
            lines.append(texts("digest.alert", threshold=f"{alert_share:.0%}"))
    if summary.top_contributors:
        names = ", ".join(f"{c.display_name} ({c.photos})" for c in summary.top_contributors)
        lines.append(texts("digest.contributors", names=names))
    hours = summary.hours
    busiest = sorted(hours, key=lambda hour: (-hours[hour], hour))[:_HOURS_SHOWN]
    if busiest:
        lines.append(texts("digest.hours", hours=", ".join(f"{hour:02d}:00" for hour in busiest)))
    return "\n".join(lines)


def _change(summary: ChatSummary, texts: Texts) -> str:
    change = summary.negative_change
    if change is None:
        return ""
    points = round(change * 100)
    if points == 0:
        return texts("digest.same")
    return texts("digest.up" if points > 0 else "digest.down", points=abs(points))
