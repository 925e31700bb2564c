"""A reply as Telegram shows it: HTML in which every string from outside is escaped, and
its buttons as an inline keyboard."""

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.replies import Button, FaceLine, Reply


def html_of(reply: Reply) -> str:
    """`reply.text` escaped, with its faces laid out richly: the emotion in bold, the caption
    in italics.

    The text says everything (the header, the faces, a note about faces left out), so only the
    block of faces inside it is replaced and no sentence is lost. Captions, comments and names
    are never trusted as markup: an engine caption may repeat text seen in a photo.
    """
    block = "\n".join(face.plain() for face in reply.faces)
    before, found, after = reply.text.partition(block) if block else ("", "", "")
    if not found:
        return _text(reply.text)
    return _text(before) + "\n".join(_face(face) for face in reply.faces) + _text(after)


def keyboard_of(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """One button per row, so long labels in either language stay readable."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data)] for button in buttons]
    )


def _face(face: FaceLine) -> str:
    line = f"{face.number}. {face.emoji} <b>{_text(face.emotion)}</b> ({face.confidence:.0%})"
    if face.caption:
        line += f"\n   <i>“{_text(face.caption)}”</i>"
    line += f"\n   {_text(face.comment)}"
    if face.correction:
        line += f"\n   ✏️ <i>{_text(face.correction)}</i>"
    return line


def _text(text: str) -> str:
    # Outside attributes Telegram's HTML needs only <, > and & escaped.
    return escape(text, quote=False)
