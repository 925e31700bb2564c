"""What the bot core answers; each adapter renders it the way its platform shows things."""

from dataclasses import dataclass
from typing import Literal

# How a reply is shown. "message": a new message. "in_place": it replaces the words and
# buttons of the message whose button was pressed (its picture stays). "notice": a short word
# to the person who pressed, and to nobody else.
Shown = Literal["message", "in_place", "notice"]


@dataclass(frozen=True)
class Button:
    """A button under a reply; pressing it comes back as a `ButtonPress` carrying `data`."""

    label: str
    data: str


@dataclass(frozen=True)
class FaceLine:
    """One face of a photo answer, already in the person's language."""

    number: int
    emoji: str
    emotion: str
    confidence: float
    caption: str | None
    comment: str
    correction: str | None = None  # what the sender said it shows instead, in their words
    label: str = ""  # the few words drawn beside the face's number on the photo
    unsure: bool = False  # below `bot.unsure_below`: "not sure: A or B"

    def plain(self) -> str:
        """The face as `Reply.text` writes it; adapters find it there to lay it out richly."""
        text = f"{self.number}. {self.emoji} {self.emotion} ({self.confidence:.0%})"
        if self.caption:
            text += f"\n   “{self.caption}”"
        text += f"\n   {self.comment}"
        if self.correction:
            text += f"\n   ✏️ {self.correction}"
        return text


@dataclass(frozen=True)
class Reply:
    """Plain `text` every adapter can show; `faces` for adapters that lay faces out richly.

    Text is never markup: adapters escape it for their platform. `image` is a chart (PNG) or
    the sender's photo drawn with its faces (JPEG), as `image_format` says; with an image the
    text is its caption.
    """

    text: str
    faces: tuple[FaceLine, ...] = ()
    image: bytes | None = None
    buttons: tuple[Button, ...] = ()
    image_format: Literal["png", "jpeg"] = "png"
    shown: Shown = "message"
