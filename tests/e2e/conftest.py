"""The real Telegram adapter and bot core, the real engine and a SQLite store, talking over
HTTP to the fake Bot API (Discord's own fixtures are in tests/e2e/discord/)."""

import asyncio
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from transformers import Blip2Processor

from adapters.telegram import TelegramAdapter, TelegramSettings
from bot.core import Bot
from fer_engine.captioner import Captioner
from fer_engine.pipeline import Pipeline
from ferbot.app import start_schedules
from storage import Store
from tests.bot.conftest import harness_for, settings
from tests.conftest import whole_image
from tests.fakes.fake_telegram import FakeTelegram, Person

ALICE = Person(1001, "Alice")
MINJI = Person(1002, "민지", "ko")
GROUP = {"id": -100500, "type": "supergroup", "title": "Friends"}
# Tests are not held to Telegram's 30 messages a second; the rate limiter still runs.
_TEST_MESSAGES_PER_S = 10_000.0


@dataclass
class RunningBot:
    """The adapter serving the fake, and the store it writes to."""

    fake: FakeTelegram
    store: Store
    adapter: TelegramAdapter
    bot: Bot
    _task: asyncio.Task[None]

    async def stop(self) -> None:
        """Stop receiving and let every answer in progress finish (the app waits for them)."""
        if not self._task.done():
            self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    async def push_and_wait(self, update: dict[str, Any], replies: int = 1) -> list[Any]:
        """Push `update` and wait for `replies` more messages from the bot; returns them."""
        before = len(self.fake.sent)
        self.fake.push(update)
        await self.fake.wait_for(lambda: len(self.fake.sent) >= before + replies)
        return self.fake.sent[before:]


def telegram_settings(fake: FakeTelegram, **changes: Any) -> TelegramSettings:
    return TelegramSettings(
        api_url=fake.api_url,
        file_url=fake.file_url,
        messages_per_s=_TEST_MESSAGES_PER_S,
        **changes,
    )


@asynccontextmanager
async def running_bot(
    fake: FakeTelegram,
    pipeline: Pipeline,
    tmp_path: Path,
    *,
    webhook_secret: str | None = None,
    database_url: str | None = None,
    **telegram: Any,
) -> AsyncIterator[RunningBot]:
    """The whole bot, started as `ferbot run` starts it, until the block ends; its store is a
    SQLite file in `tmp_path` unless given `database_url`."""
    async for harness in harness_for(pipeline, settings(tmp_path, database_url)):
        adapter = TelegramAdapter(
            fake.token, telegram_settings(fake, **telegram), webhook_secret=webhook_secret
        )
        harness.outbox.register(adapter.name, adapter.send)
        task = asyncio.create_task(adapter.run(harness.bot))
        running = RunningBot(fake, harness.store, adapter, harness.bot, task)
        try:
            ready = asyncio.create_task(adapter.ready.wait())
            await asyncio.wait({ready, task}, timeout=60, return_when=asyncio.FIRST_COMPLETED)
            ready.cancel()
            if task.done():
                task.result()  # a failed start-up shows its error here
            await start_schedules(harness.bot.context)
            yield running
        finally:
            await running.stop()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def telegram(
    fake: FakeTelegram, bundled_pipeline: Pipeline, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    """The bot with the bundled engine (SSD faces, expression net) on the CPU."""
    async with running_bot(fake, bundled_pipeline, tmp_path) as running:
        yield running


@pytest.fixture(scope="session")
def aligned_bundled_pipeline(bundled_pipeline: Pipeline) -> Pipeline:
    """The bundled models reading every picture as one face: fast, for load tests."""
    return whole_image(bundled_pipeline)


@pytest.fixture(scope="session")
def markup_captioning_pipeline(
    tiny_pipeline: Pipeline, tmp_path_factory: pytest.TempPathFactory
) -> Pipeline:
    """The tiny fusion pipeline with a captioner forced to write four words, every word of
    whose vocabulary is HTML markup: a real BLIP-2 writing captions nobody may trust."""
    captioner = tiny_pipeline.captioner
    assert captioner is not None
    folder = tmp_path_factory.mktemp("markup-vocabulary")
    captioner.processor.save_pretrained(folder)
    tokenizer = json.loads((folder / "tokenizer.json").read_text())
    vocabulary = tokenizer["model"]["vocab"]
    tokenizer["model"]["vocab"] = {
        (f"<b>{word}</b>&" if re.fullmatch(r"w\d+", word) else word): index
        for word, index in vocabulary.items()
    }
    (folder / "tokenizer.json").write_text(json.dumps(tokenizer))
    markup = Captioner(
        captioner.model,
        Blip2Processor.from_pretrained(folder),
        captioner.prompt,
        max_new_tokens=4,
        min_new_tokens=4,
    )
    shutil.rmtree(folder)
    return Pipeline(
        tiny_pipeline.settings,
        tiny_pipeline.detector,
        tiny_pipeline.cnn,
        tiny_pipeline.head,
        markup,
        tiny_pipeline.text_encoder,
    )
