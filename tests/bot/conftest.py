"""A real bot core on the bundled engine and a SQLite store in a temporary folder."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core import Bot
from bot.events import Command, Conversation, Photo, Sender
from bot.outbox import Outbox
from bot.settings import BotSettings
from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from ferbot.app import build_bot
from ferbot.settings import Settings
from storage import StorageSettings, Store

ALICE = Sender("telegram", "1001", "Alice", "en")
MINJI = Sender("telegram", "1002", "민지", "ko-KR")
ALICE_CHAT = Conversation("telegram", "1001", "private", "Alice")
GROUP = Conversation("telegram", "-500", "group", "Friends")


@dataclass
class Harness:
    bot: Bot
    store: Store
    engine: Engine
    outbox: Outbox
    _message: int = 0

    def photo(
        self,
        data: bytes,
        sender: Sender = ALICE,
        chat: Conversation = ALICE_CHAT,
        addressed: bool = False,
    ) -> Photo:
        self._message += 1
        return Photo(sender, chat, str(self._message), data, addressed=addressed)

    async def say(
        self,
        text: str,
        sender: Sender = ALICE,
        chat: Conversation = ALICE_CHAT,
        admin: bool = False,
    ):
        name, *args = text.lstrip("/").split()
        return await self.bot.handle(Command(sender, chat, name, tuple(args), admin))


def settings(tmp_path: Path, database_url: str | None = None, **bot: object) -> Settings:
    """The bot's settings, with a SQLite store in `tmp_path` unless given `database_url`."""
    url = database_url or f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}"
    storage = StorageSettings(url=url)
    return Settings(storage=storage, bot=BotSettings(**bot))


async def harness_for(pipeline: Pipeline, settings: Settings) -> AsyncIterator[Harness]:
    engine = Engine(pipeline, pipeline.settings.serving)
    store = await Store.open(settings.storage)
    outbox = Outbox()
    bot = build_bot(engine, store, settings, outbox)
    try:
        yield Harness(bot, store, engine, outbox)
    finally:
        bot.context.digests.shutdown()
        await engine.close()
        await store.close()


@pytest.fixture
async def harness(bundled_pipeline: Pipeline, tmp_path: Path) -> AsyncIterator[Harness]:
    async for ready in harness_for(
        bundled_pipeline, settings(tmp_path, operators=("telegram:1001",))
    ):
        yield ready
