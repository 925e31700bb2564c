"""/stats: the engine's load and latency, and how often people corrected the answers, for
the operators named in config."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import EMOJI, Texts
from storage import Agreement


async def stats(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if not ctx.is_operator(command.sender):
        return Reply(texts("operators_only"))
    engine = ctx.engine.stats()
    errors = ", ".join(f"{kind} {count}" for kind, count in sorted(engine.errors.items()))
    days = ctx.settings.bot.agreement_days
    agreement = await ctx.store.agreement(days=days)
    engine_line = texts(
        "stats",
        requests=engine.requests,
        queue_depth=engine.queue_depth,
        p50_ms=round(engine.latency_p50_s * 1000),
        p99_ms=round(engine.latency_p99_s * 1000),
        mean_batch=engine.mean_batch_size,
        errors=errors or "0",
        model_version=ctx.engine.model_version,
    )
    return Reply(f"{engine_line}\n{agreement_line(agreement, days, texts)}")


def agreement_line(agreement: Agreement, days: int, texts: Texts) -> str:
    """The share of answered faces nobody corrected, and what people chose instead."""
    if agreement.agreed is None:
        return texts("stats.no_faces", days=days)
    chosen = agreement.chosen_instead()
    items = ", ".join(f"{EMOJI[e]} {texts.emotion(e)} {count}" for e, count in chosen)
    return texts(
        "stats.agreement",
        days=days,
        agreed=f"{agreement.agreed:.0%}",
        faces=agreement.faces,
        corrected=agreement.corrected,
        instead=texts("stats.instead", items=items) if chosen else "",
    )
