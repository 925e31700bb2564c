"""What the bot core answers; each adapter renders it the way its platform shows things."""

from dataclasses import dataclass


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

    def plain(self) -> str:
        """The face as `Reply.text` writes it; adapters find it there to lay it out richly."""
        text = f"{self.number}. {self.emoji} {self.emotion} ({self.confidence:.0%})"
        if self.caption:
            text += f"\n   “{self.caption}”"
        return f"{text}\n   {self.comment}"


@dataclass(frozen=True)
class Reply:
    """Plain `text` every adapter can show; `faces` for adapters that lay faces out richly.

    Text is never markup: adapters escape it for their platform.
    """

    text: str
    faces: tuple[FaceLine, ...] = ()
    image: bytes | None = None
    buttons: tuple[Button, ...] = ()
