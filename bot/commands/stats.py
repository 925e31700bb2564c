"""/stats: the engine's load and latency, for the operators named in config."""

from bot.context import BotContext
from bot.events import Command
from bot.replies import Reply
from bot.texts import Texts


async def stats(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    if not ctx.is_operator(command.sender):
        return Reply(texts("operators_only"))
    engine = ctx.engine.stats()
    errors = ", ".join(f"{kind} {count}" for kind, count in sorted(engine.errors.items()))
    return Reply(
        texts(
            "stats",
            requests=engine.requests,
            queue_depth=engine.queue_depth,
            p50_ms=round(engine.latency_p50_s * 1000),
            p99_ms=round(engine.latency_p99_s * 1000),
            mean_batch=engine.mean_batch_size,
            errors=errors or "0",
            model_version=ctx.engine.model_version,
        )
    )
