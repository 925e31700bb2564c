""" "That's wrong": a button per face under a photo answer opens the seven emotions; the
sender's choice is kept against that face and the answer is redrawn to show it.

Button data is `fix:<face>:<choice>:<message id>`: no choice opens the emotions, `x` closes
them, an emotion corrects the face. The message id goes last since it may hold colons (an
album's "812:2"); the conversation is the one the button was pressed in. Telegram allows
64 bytes of data, Discord 100: a 19-digit message id leaves room.
"""

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.context import BotContext
from bot.events import ButtonPress
from bot.face_lines import face_line, faces_reply
from bot.replies import Button, FaceLine, Reply
from bot.texts import EMOJI, Texts
from storage import EMOTIONS, CorrectedAnalysis, Correction

PREFIX = "fix"
_CLOSE = "x"


def face_buttons(message_id: str, lines: Sequence[FaceLine], texts: Texts) -> tuple[Button, ...]:
    """ "That's wrong" for each face, under a photo answer."""
    return tuple(
        Button(texts("feedback.face", number=line.number), f"{PREFIX}:{line.number}::{message_id}")
        for line in lines
    )


async def pressed(ctx: BotContext, press: ButtonPress, texts: Texts) -> Reply:
    """A press on a feedback button. Only the photo's sender may correct it: anyone else is
    told so, privately, and nothing changes. The data comes from the person's client, which
    may send anything, so every part is checked."""
    _, face_text, choice, message_id = [*press.data.split(":", 3), "", "", ""][:4]
    chat = press.chat
    found = await ctx.store.corrected_analysis(chat.platform, chat.chat_id, message_id)
    if found is None or not face_text.isdigit():
        return Reply(texts("feedback.gone"), shown="notice")
    if found.analysis.person.user_id != press.sender.user_id:
        return Reply(texts("feedback.not_yours"), shown="notice")
    face = int(face_text)
    if not 1 <= face <= len(found.analysis.faces):
        return Reply(texts("feedback.gone"), shown="notice")
    if choice in EMOTIONS:
        correction = Correction(
            chat.platform,
            chat.chat_id,
            message_id,
            face,
            press.sender.user_id,
            choice,
            datetime.now(UTC),
        )
        await ctx.store.correct(correction)
        found = replace(found, corrections={**found.corrections, face: choice})
    answer = answer_of(ctx, found, texts)
    if choice == "":
        return replace(answer, buttons=_emotion_buttons(face, message_id, texts))
    return replace(answer, buttons=face_buttons(message_id, answer.faces, texts))


def answer_of(ctx: BotContext, found: CorrectedAnalysis, texts: Texts) -> Reply:
    """The photo answer as it was sent (its comments were kept), with each correction shown
    under its face; to replace the message in place."""
    lines = []
    for number, face in enumerate(found.analysis.faces, start=1):
        comment = face.comment or ""
        line = face_line(ctx, number, face.probabilities, face.caption, comment, texts)
        if (chosen := found.corrections.get(number)) is not None:
            said = texts("feedback.corrected", emoji=EMOJI[chosen], emotion=texts.emotion(chosen))
            line = replace(line, correction=said)
        lines.append(line)
    return replace(faces_reply(lines, len(lines), texts), shown="in_place")


def _emotion_buttons(face: int, message_id: str, texts: Texts) -> tuple[Button, ...]:
    choices = tuple(
        Button(
            f"{EMOJI[emotion]} {texts.emotion(emotion)}",
            f"{PREFIX}:{face}:{emotion}:{message_id}",
        )
        for emotion in EMOTIONS
    )
    return (*choices, Button(texts("feedback.close"), f"{PREFIX}:{face}:{_CLOSE}:{message_id}"))
