"""A local chat in the terminal: photo paths and commands in, the bot's replies printed."""

import asyncio
import getpass
import locale
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

from bot.core import Bot
from bot.events import ButtonPress, Command, Conversation, Photo, Sender
from bot.replies import Button, Reply

PLATFORM = "console"
WELCOME = (
    "ferbot console chat. Type the path of a photo (try samples/three-friends.jpg), "
    "a command such as /help or /history, or /quit."
)


async def stdin_lines() -> AsyncIterator[str]:
    """Lines typed in the terminal, read off the event loop so other platforms keep running."""
    while line := await asyncio.to_thread(sys.stdin.readline):
        yield line


class ConsoleAdapter:
    """One person (the user running ferbot) chatting with the bot in a private conversation."""

    name = PLATFORM

    def __init__(
        self,
        lines: AsyncIterator[str],
        out: TextIO,
        user: str | None = None,
        charts: Path | None = None,
    ) -> None:
        self._lines = lines
        self._out = out
        self._charts = charts or Path(tempfile.gettempdir()) / "ferbot-charts"
        user = user or getpass.getuser()
        language = (locale.getlocale()[0] or "en").split("_")[0]
        self._sender = Sender(PLATFORM, user, user, language)
        self._chat = Conversation(PLATFORM, user, "private", user)
        self._buttons: tuple[Button, ...] = ()

    async def run(self, bot: Bot) -> None:
        self._print(WELCOME)
        async for line in self._lines:
            text = line.strip()
            if text in ("/quit", "/exit"):
                break
            if not text:
                continue
            try:
                event = self._event(text)
            except OSError as exc:  # a local file the terminal user named: say so plainly
                self._print(f"Can't read {text}: {exc.strerror or exc}")
                continue
            reply = await bot.handle(event)
            if reply is not None:
                self._show(reply)

    def _event(self, text: str) -> Photo | Command | ButtonPress:
        if text.isdigit() and 0 < int(text) <= len(self._buttons):
            pressed = self._buttons[int(text) - 1]
            self._buttons = ()
            return ButtonPress(self._sender, self._chat, pressed.data)
        name, *args = text.split()
        if name.startswith("/") and "/" not in name[1:]:  # "/history 7d", not "/home/a.jpg"
            return Command(self._sender, self._chat, name[1:], tuple(args))
        data = Path(text.strip("'\"")).expanduser().read_bytes()
        return Photo(self._sender, self._chat, uuid.uuid4().hex, data, addressed=True)

    async def send(self, chat_id: str, reply: Reply) -> None:
        """A digest for the console's one chat is shown like any reply."""
        self._show(reply)

    def _show(self, reply: Reply) -> None:
        self._print(reply.text)
        if reply.image is not None:
            # A terminal shows no pictures: a chart, or the photo drawn with its faces, goes
            # to a file the person can open.
            self._charts.mkdir(parents=True, exist_ok=True)
            kind, suffix = ("photo", "jpg") if reply.image_format == "jpeg" else ("chart", "png")
            path = self._charts / f"{kind}-{uuid.uuid4().hex[:8]}.{suffix}"
            path.write_bytes(reply.image)
            self._print(f"({kind}: {path})")
        self._buttons = reply.buttons
        for number, button in enumerate(reply.buttons, start=1):
            self._print(f"  [{number}] {button.label}")

    def _print(self, text: str) -> None:
        print(text, file=self._out, flush=True)
