"""Answering a photo: every face's emotion, caption and a comment; then it goes into history."""

import logging
import math
import time
from dataclasses import dataclass

from bot.context import BotContext
from bot.events import Photo
from bot.recording import analysis_record
from bot.replies import FaceLine, Reply
from bot.texts import EMOJI, UNSURE_EMOJI, Texts
from fer_engine import Analysis, Face, UserFacingError

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
    if reading.analysis is not None:
        await ctx.store.record(analysis_record(photo, reading.analysis, reading.latency_ms))
    return reading.reply


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


def _face_line(ctx: BotContext, person: str, number: int, face: Face, texts: Texts) -> FaceLine:
    """One face of the answer. Below `bot.unsure_below` it shows a thinking face and an honest
    "not sure" naming the two likeliest, since a confident-sounding wrong answer on a first
    selfie costs more than a hedge."""
    emoji, emotion = EMOJI[face.emotion], texts.emotion(face.emotion)
    if face.confidence < ctx.settings.bot.unsure_below:
        first, second = sorted(face.probs, key=face.probs.__getitem__, reverse=True)[:2]
        emoji = UNSURE_EMOJI
        emotion = texts("unsure", first=texts.emotion(first), second=texts.emotion(second))
    return FaceLine(
        number=number,
        emoji=emoji,
        emotion=emotion,
        confidence=face.confidence,
        caption=face.caption,
        comment=ctx.comments.pick(person, texts.language, face.emotion),
    )


def _face_reply(ctx: BotContext, person: str, analysis: Analysis, texts: Texts) -> Reply:
    if not analysis.faces:
        return Reply(texts("no_face"))
    lines = tuple(
        _face_line(ctx, person, number, face, texts)
        for number, face in enumerate(analysis.faces, start=1)
    )
    count = len(lines)
    header = texts("face_found") if count == 1 else texts("faces_found", count=count)
    body = [header, *(line.plain() for line in lines)]
    if analysis.faces_found > count:
        body.append(texts("more_faces", shown=count, found=analysis.faces_found))
    return Reply("\n".join(body), faces=lines)
