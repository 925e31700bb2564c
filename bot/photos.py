"""Answering a photo: every face's emotion, caption and a comment; then it goes into history."""

import logging
import math
import time

from bot.context import BotContext
from bot.events import Photo
from bot.recording import analysis_record
from bot.replies import FaceLine, Reply
from bot.texts import EMOJI, Texts
from fer_engine import Analysis, BadImage, EngineBusy, EngineClosed, EngineTimeout

log = logging.getLogger(__name__)


async def should_answer(ctx: BotContext, photo: Photo) -> bool:
    """Private photos always; in groups, photos addressed to the bot or all when auto is on."""
    if photo.chat.kind == "private" or photo.addressed:
        return True
    settings = await ctx.store.chat_settings(photo.chat.platform, photo.chat.chat_id)
    return settings.auto_analysis


async def answer_photo(ctx: BotContext, photo: Photo, texts: Texts) -> Reply:
    """The reply to one photo; engine errors become sentences, never tracebacks."""
    person = f"{photo.sender.platform}:{photo.sender.user_id}"
    wait = ctx.photo_limits.wait_s(person)
    if wait > 0:
        return Reply(texts("rate_limited", seconds=math.ceil(wait)))
    started = time.perf_counter()
    try:
        analysis = await ctx.engine.analyze(photo.data)
    except BadImage as exc:
        log.info("bad image from %s: %s", person, exc.reason)
        return Reply(texts(f"bad_image.{exc.reason}"))
    except EngineBusy:
        return Reply(texts("busy"))
    except EngineTimeout:
        return Reply(texts("timeout"))
    except EngineClosed:
        return Reply(texts("restarting"))
    latency_ms = (time.perf_counter() - started) * 1000
    await ctx.store.record(analysis_record(photo, analysis, latency_ms))
    return _face_reply(ctx, person, analysis, texts)


def _face_reply(ctx: BotContext, person: str, analysis: Analysis, texts: Texts) -> Reply:
    if not analysis.faces:
        return Reply(texts("no_face"))
    lines = tuple(
        FaceLine(
            number=number,
            emoji=EMOJI[face.emotion],
            emotion=texts.emotion(face.emotion),
            confidence=face.confidence,
            caption=face.caption,
            comment=ctx.comments.pick(person, texts.language, face.emotion),
        )
        for number, face in enumerate(analysis.faces, start=1)
    )
    count = len(lines)
    header = texts("face_found") if count == 1 else texts("faces_found", count=count)
    body = [header, *(line.plain() for line in lines)]
    if analysis.faces_found > count:
        body.append(texts("more_faces", shown=count, found=analysis.faces_found))
    return Reply("\n".join(body), faces=lines)
