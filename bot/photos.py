"""Answering a photo: every face's emotion, caption and a comment; then it goes into history."""

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot import feedback
from bot.annotation import Mark, annotate
from bot.context import BotContext
from bot.events import Photo
from bot.face_lines import face_line, faces_reply
from bot.recording import analysis_record
from bot.replies import FaceLine, Reply
from bot.texts import Texts
from fer_engine import Analysis, UserFacingError

log = logging.getLogger(__name__)


async def should_answer(ctx: BotContext, photo: Photo) -> bool:
    """Private photos always; in groups, photos addressed to the bot or all when auto is on."""
    if photo.chat.kind == "private" or photo.addressed:
        return True
    settings = await ctx.store.chat_settings(photo.chat.platform, photo.chat.chat_id)
    return settings.auto_analysis


async def answer_photo(ctx: BotContext, photo: Photo, texts: Texts) -> Reply:
    """The reply to one photo; engine errors become sentences, never tracebacks. Its analysis
    is recorded here, before the adapter sends the reply: a crash between the two leaves the
    photo recorded but unanswered, which is why recorded does not mean answered."""
    person = f"{photo.sender.platform}:{photo.sender.user_id}"
    wait = ctx.photo_limits.wait_s(person)
    if wait > 0:
        return Reply(texts("rate_limited", seconds=math.ceil(wait)))
    reading = await read_photo(ctx, photo.data, person, texts)
    if reading.analysis is None:
        return reading.reply
    reply = reading.reply
    comments = tuple(line.comment for line in reply.faces)
    await ctx.store.record(analysis_record(photo, reading.analysis, reading.latency_ms, comments))
    if reply.faces and await _kept(ctx, photo):
        reply = replace(reply, buttons=feedback.face_buttons(photo.message_id, reply.faces, texts))
    if _drawn(ctx, len(reply.faces)):
        image = await annotated_photo(ctx, photo.data, reading.analysis, reply.faces)
        reply = replace(reply, image=image, image_format="jpeg")
    return reply


async def annotated_photo(
    ctx: BotContext, data: bytes, analysis: Analysis, lines: Sequence[FaceLine]
) -> bytes:
    """The photo as a JPEG with each face boxed, numbered and labelled as `lines` word it;
    drawn off the event loop, in memory, and never kept."""
    marks = [
        Mark(face.box, line.number, line.label, None if line.unsure else face.emotion)
        for face, line in zip(analysis.faces, lines, strict=True)
    ]
    settings = ctx.settings
    drawing = await asyncio.to_thread(
        annotate, data, marks, settings.engine.image, settings.bot.annotate_max_side
    )
    return drawing.jpeg


def _drawn(ctx: BotContext, faces: int) -> bool:
    annotate = ctx.settings.bot.annotate
    return faces > 0 and (annotate == "always" or (annotate == "multi" and faces > 1))


async def _kept(ctx: BotContext, photo: Photo) -> bool:
    """Whether the photo's analysis is in the store, where a correction can be kept: not
    for a sender who opted out of history."""
    preferences = await ctx.store.preferences(photo.sender.platform, photo.sender.user_id)
    return not preferences.opt_out_history


@dataclass(frozen=True)
class PhotoReading:
    """What the bot makes of a picture: its reply, and the analysis behind it (None when the
    engine refused the picture; the reply then says why)."""

    reply: Reply
    analysis: Analysis | None
    latency_ms: float


async def read_photo(ctx: BotContext, data: bytes, person: str, texts: Texts) -> PhotoReading:
    """Analyse a picture and word the reply, recording nothing and counting no limit: the
    photo answer's own steps, which the operators' "try it" page shows as they are."""
    started = time.perf_counter()
    try:
        analysis = await ctx.engine.analyze(data)
    except UserFacingError as exc:
        log.info("photo from %s not read: %s", person, exc)
        reply = Reply(texts(exc.code))
    else:
        latency_ms = (time.perf_counter() - started) * 1000
        return PhotoReading(_face_reply(ctx, person, analysis, texts), analysis, latency_ms)
    return PhotoReading(reply, None, (time.perf_counter() - started) * 1000)


def _face_reply(ctx: BotContext, person: str, analysis: Analysis, texts: Texts) -> Reply:
    if not analysis.faces:
        return Reply(texts("no_face"))
    lines = [
        face_line(
            ctx,
            number,
            face.probs,
            face.caption,
            ctx.comments.pick(person, texts.language, face.emotion),
            texts,
        )
        for number, face in enumerate(analysis.faces, start=1)
    ]
    return faces_reply(lines, analysis.faces_found, texts)
