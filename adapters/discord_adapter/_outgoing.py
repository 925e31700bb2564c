"""The bot core's replies as Discord messages: embeds for faces, text, a PNG, buttons."""

import io
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import discord

from adapters.discord_adapter._text import escaped, pieces, shortened, size
from bot.replies import Button, FaceLine, Reply
from bot.retry import retrying

# Discord's limits on what one message may carry.
CONTENT_LIMIT = 2000
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
EMBED_LIMIT = 6000
BUTTONS_LIMIT = 25
BUTTON_LABEL_LIMIT = 80
IMAGE_NAMES = {"png": "chart.png", "jpeg": "photo.jpg"}


class ReplyButtons(discord.ui.View):
    """The core's buttons, laid out and nothing more.

    A press comes back as an interaction carrying the button's custom_id, which the client
    hands to the core whatever message it came from (so buttons keep working after a
    restart). Saying "not dispatchable" keeps discord.py from storing a copy of every view
    sent, and from timing one out.
    """

    def __init__(self, buttons: tuple[Button, ...]) -> None:
        super().__init__(timeout=None)
        for button in buttons[:BUTTONS_LIMIT]:
            label = shortened(button.label, BUTTON_LABEL_LIMIT)
            self.add_item(discord.ui.Button(label=label, custom_id=button.data))

    def is_dispatchable(self) -> bool:
        return False


@dataclass(frozen=True)
class Part:
    """One Discord message of a reply; a long reply takes several."""

    content: str | None = None
    embed: discord.Embed | None = None
    image: bytes | None = None
    image_name: str = IMAGE_NAMES["png"]
    buttons: tuple[Button, ...] = ()

    def message(self) -> dict[str, Any]:
        """Keyword arguments that `send`, `reply` and `followup.send` all take."""
        message = self.edit()
        if self.image is not None:
            message["file"] = discord.File(io.BytesIO(self.image), filename=self.image_name)
        return message

    def edit(self) -> dict[str, Any]:
        """Keyword arguments that replace the words and buttons of a message in place,
        keeping its picture (`edit_message`); the embed still shows the attachment."""
        message: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        if self.content:
            message["content"] = self.content
        if self.embed is not None:
            message["embed"] = self.embed
        if self.buttons:
            message["view"] = ReplyButtons(self.buttons)
        return message


async def post(
    channel: discord.abc.Messageable,
    reply: Reply,
    reference: discord.MessageReference | None = None,
    retries: int = 0,
) -> None:
    """Send `reply` to a channel, each of its messages in turn (replying to `reference`); a
    message whose connection broke is sent again up to `retries` times (discord.py itself
    retries 5xx answers, but not a cut connection)."""
    for part in render(reply):

        async def send(part: Part = part) -> discord.Message:
            return await channel.send(reference=reference, **part.message())

        await retrying(send, cut_off, retries, "posting a discord message")


def cut_off(exc: Exception) -> bool:
    """The connection broke (not a timeout: a request that timed out may still be carried
    out) or Discord's CDN answered 5xx: worth another try."""
    if isinstance(exc, TimeoutError):
        return False
    if isinstance(exc, discord.HTTPException):
        return exc.status >= 500
    return isinstance(exc, aiohttp.ClientConnectionError)


def render(reply: Reply) -> list[Part]:
    """Faces as embeds (one field per face), any other reply as text; the image goes with
    the first message (a photo drawn with its faces shows inside the first embed), the
    buttons with the last."""
    name = IMAGE_NAMES[reply.image_format]
    if reply.faces:
        parts = [Part(embed=embed) for embed in _face_embeds(reply)]
        if reply.image is not None and reply.image_format == "jpeg":
            parts[0].embed.set_image(url=f"attachment://{name}")  # type: ignore[union-attr]
    else:
        parts = [Part(content=text) for text in pieces(escaped(reply.text), CONTENT_LIMIT)]
    parts[0] = replace(parts[0], image=reply.image, image_name=name)
    parts[-1] = replace(parts[-1], buttons=reply.buttons)
    return parts


def _face_embeds(reply: Reply) -> list[discord.Embed]:
    """The text around the faces as the description, each face a field; a new embed (and
    message) starts where one would pass 25 fields or 6,000 characters."""
    description = shortened(escaped(_frame(reply)), DESCRIPTION_LIMIT)
    embeds = [discord.Embed(description=description)]
    used = size(description)
    for face in reply.faces:
        name, value = _field(face)
        if len(embeds[-1].fields) == FIELDS_LIMIT or used + size(name) + size(value) > EMBED_LIMIT:
            embeds.append(discord.Embed())
            used = 0
        embeds[-1].add_field(name=name, value=value, inline=False)
        used += size(name) + size(value)
    return embeds


def _frame(reply: Reply) -> str:
    """The reply's text less its faces' lines: the heading and any note after them."""
    face_lines = {line for face in reply.faces for line in face.plain().splitlines()}
    return "\n".join(line for line in reply.text.splitlines() if line not in face_lines)


def _field(face: FaceLine) -> tuple[str, str]:
    name = f"{face.number}. {face.emoji} {face.emotion} ({face.confidence:.0%})"
    value = f"“{face.caption}”\n{face.comment}" if face.caption else face.comment
    if face.correction:
        value += f"\n✏️ {face.correction}"
    return (
        shortened(escaped(name), FIELD_NAME_LIMIT),
        shortened(escaped(value), FIELD_VALUE_LIMIT),
    )
