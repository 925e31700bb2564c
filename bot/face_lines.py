"""A photo answer in words: each face's line, and the heading and note around them; for a
fresh answer and for one redrawn after a correction alike."""

from collections.abc import Mapping, Sequence

from bot.context import BotContext
from bot.replies import FaceLine, Reply
from bot.texts import EMOJI, UNSURE_EMOJI, Texts


def face_line(
    ctx: BotContext,
    number: int,
    probs: Mapping[str, float],
    caption: str | None,
    comment: str,
    texts: Texts,
) -> FaceLine:
    """One face of the answer. Below `bot.unsure_below` it shows a thinking face and an honest
    "not sure" naming the two likeliest, since a confident-sounding wrong answer on a first
    selfie costs more than a hedge."""
    emotion = max(probs, key=probs.__getitem__)
    confidence = probs[emotion]
    emoji, words, unsure = EMOJI[emotion], texts.emotion(emotion), False
    if confidence < ctx.settings.bot.unsure_below:
        first, second = sorted(probs, key=probs.__getitem__, reverse=True)[:2]
        emoji, unsure = UNSURE_EMOJI, True
        words = texts("unsure", first=texts.emotion(first), second=texts.emotion(second))
    return FaceLine(
        number=number,
        emoji=emoji,
        emotion=words,
        confidence=confidence,
        caption=caption,
        comment=comment,
        label=texts.emotion(emotion) + ("?" if unsure else ""),
        unsure=unsure,
    )


def faces_reply(lines: Sequence[FaceLine], found: int, texts: Texts) -> Reply:
    """The words of a photo answer: a heading, each face, and a note on faces left out."""
    count = len(lines)
    header = texts("face_found") if count == 1 else texts("faces_found", count=count)
    body = [header, *(line.plain() for line in lines)]
    if found > count:
        body.append(texts("more_faces", shown=count, found=found))
    return Reply("\n".join(body), faces=tuple(lines))
