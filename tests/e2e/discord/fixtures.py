"""The Discord adapter running for real: discord.py against the fake Discord, the bot core
on the bundled engine, and a SQLite store in the test's folder."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from adapters.discord_adapter import DiscordAdapter, DiscordSettings
from fer_engine.pipeline import Pipeline
from tests.bot.conftest import Harness, harness_for, settings
from tests.fakes import fake_discord
from tests.fakes.fake_discord import FakeDiscord

T = TypeVar("T")
TOKEN = "MTIz.fake-bot-token.never-to-be-seen"
ALICE = fake_discord.user("940000000000000001", "Alice")
MINJI = fake_discord.user("940000000000000002", "민지")
ALICE_DM = "950000000000000001"
MINJI_DM = "950000000000000002"
OPERATOR = f"discord:{ALICE['id']}"


@dataclass
class RunningDiscord:
    """The adapter's task, the fake it talks to and the core behind it."""

    fake: FakeDiscord
    core: Harness
    adapter: asyncio.Task[None]
    discord: DiscordAdapter

    async def until(self, found: Callable[[], T]) -> T:
        """`fake.until`, but an adapter that crashed fails the test at once with its error."""
        waiting = asyncio.ensure_future(self.fake.until(found))
        await asyncio.wait({waiting, self.adapter}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            waiting.cancel()
            self.adapter.result()
            raise AssertionError("the Discord adapter stopped on its own")
        return waiting.result()

    async def messages_handled(self) -> None:
        """Wait until every on_message that discord.py has started is over (it names each
        handler's task after its event), so that silence can be asserted without guessing."""
        handlers = {
            task for task in asyncio.all_tasks() if task.get_name() == "discord.py: on_message"
        }
        if handlers:
            await asyncio.wait(handlers)

    async def caught_up(self) -> None:
        """Wait until the session is up and has caught up on history (discord.py calls
        on_ready 2 s after the guilds arrive, its guild_ready_timeout)."""
        ready = asyncio.ensure_future(self.discord.ready.wait())
        async with asyncio.timeout(fake_discord.WAIT_LIMIT_S):
            await asyncio.wait({ready, self.adapter}, return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
            self.adapter.result()
            raise AssertionError("the Discord adapter stopped on its own")

    async def send_photo(
        self,
        person: dict[str, Any],
        channel_id: str,
        *attachments: dict[str, Any],
        guild: bool = False,
        mentions: tuple[dict[str, Any], ...] = (),
        replying_to: dict[str, Any] | None = None,
    ) -> str:
        """A MESSAGE_CREATE with `attachments`; returns the message id."""
        message_id = self.fake.new_id()
        payload = fake_discord.message(
            message_id,
            channel_id,
            person,
            attachments=list(attachments),
            mentions=list(mentions),
            guild=guild,
            replying_to=replying_to,
        )
        await self.fake.dispatch("MESSAGE_CREATE", payload)
        return message_id

    async def use_command(
        self,
        person: dict[str, Any],
        channel_id: str,
        name: str,
        guild: bool = False,
        permissions: str = "0",
        locale: str = "en-US",
        **options: Any,
    ) -> str:
        """An INTERACTION_CREATE for /name; an attachment option is an uploaded payload."""
        interaction_id = self.fake.new_id()
        data: dict[str, Any] = {"id": self.fake.new_id(), "name": name, "type": 1, "options": []}
        for option, value in options.items():
            if isinstance(value, dict):  # an attachment, resolved as Discord does
                data["options"].append({"name": option, "type": 11, "value": value["id"]})
                data["resolved"] = {"attachments": {value["id"]: value}}
            else:
                data["options"].append({"name": option, "type": 3, "value": value})
        payload = fake_discord.interaction(
            interaction_id,
            person,
            data,
            channel_id=channel_id,
            guild=guild,
            permissions=permissions,
            locale=locale,
        )
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    async def press(
        self, person: dict[str, Any], channel_id: str, custom_id: str, on: dict[str, Any]
    ) -> str:
        """An INTERACTION_CREATE for pressing the button `custom_id` on the message `on`."""
        interaction_id = self.fake.new_id()
        payload = fake_discord.interaction(
            interaction_id,
            person,
            {"custom_id": custom_id, "component_type": 2},
            kind=3,
            channel_id=channel_id,
            message_payload=on,
        )
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return interaction_id

    async def followups(self, interaction_id: str, count: int = 1) -> list[Any]:
        """The bodies of the first `count` follow-ups to an interaction."""
        token = f"interaction-token-{interaction_id}"
        calls = await self.until(
            lambda: (
                (found := self.fake.requests("POST", rf"/webhooks/\d+/{token}"))
                and len(found) >= count
                and found
            )
        )
        return [call.body for call in calls[:count]]


def adapter_for(fake: FakeDiscord, token: str = TOKEN, **settings: Any) -> DiscordAdapter:
    """The production adapter, pointed at the fake and syncing commands to its guild."""
    guilds = (int(fake_discord.GUILD_ID),)
    return DiscordAdapter(
        token,
        DiscordSettings(
            guild_ids=guilds, api_url=fake.api_url, gateway_url=fake.gateway_url, **settings
        ),
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(TOKEN) as running:
        yield running


@pytest.fixture
async def core(bundled_pipeline: Pipeline, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot core on the bundled engine and a SQLite store; ALICE is an operator."""
    async for harness in harness_for(bundled_pipeline, settings(tmp_path, operators=(OPERATOR,))):
        yield harness


@contextlib.asynccontextmanager
async def running(
    fake: FakeDiscord, core: Harness, **settings: Any
) -> AsyncIterator[RunningDiscord]:
    """The adapter serving `core` through `fake` until the block ends, then cancelled; as in
    `ferbot.app.run`, digests reach it through the core's outbox."""
    discord = adapter_for(fake, **settings)
    core.outbox.register(discord.name, discord.send)
    adapter = asyncio.create_task(discord.run(core.bot))
    started = RunningDiscord(fake, core, adapter, discord)
    await started.until(lambda: fake.ops(2))  # IDENTIFY: commands are synced by then
    try:
        yield started
    finally:
        adapter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await adapter


@pytest.fixture
async def discord_bot(fake: FakeDiscord, core: Harness) -> AsyncIterator[RunningDiscord]:
    """The adapter with the default settings: no privileged intent."""
    async with running(fake, core) as started:
        yield started


@pytest.fixture
async def discord_bot_reading_content(
    fake: FakeDiscord, core: Harness
) -> AsyncIterator[RunningDiscord]:
    """The adapter with the Message Content intent, which the fake's bot is granted."""
    fake.message_content_allowed = True
    async with running(fake, core, message_content=True) as started:
        yield started
