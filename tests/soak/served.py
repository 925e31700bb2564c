"""Both fakes on 127.0.0.1 and `ferbot -vv run` serving them: every log line, DEBUG included,
goes to one file that the soak scans for secrets afterwards."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.processes import FerbotProcess, telegram_environment
from tests.fakes.fake_discord import Call, FakeDiscord
from tests.fakes.fake_telegram import TOKEN, FakeTelegram

DISCORD_TOKEN = "MTIz.soak-discord-token.never-to-be-seen"
SECRETS = (TOKEN.split(":")[1], DISCORD_TOKEN.split(".", 1)[1])  # what no log line may hold
START_S = 300.0  # loading the models on a busy machine
# A photo is one face to the bundled expression net (whole_image): the bot's cost shows, not
# the detector's; Telegram's 30 messages/s and the per-person limit are lifted.
FAST_BOT = {
    "FERBOT_ENGINE__FACES__DETECTOR": "whole_image",
    "FERBOT_TELEGRAM__MESSAGES_PER_S": "10000",
    "FERBOT_BOT__PHOTOS_PER_WINDOW": "1000000",
}


@dataclass
class Served:
    """The two fakes and the process; `crashes` counts the times it died unasked."""

    telegram: FakeTelegram
    discord: FakeDiscord
    process: FerbotProcess
    crashes: int = 0

    async def start(self) -> None:
        """Start the process and wait until it serves both platforms."""
        menus = len(self.telegram.calls_of("setMyCommands"))
        identified = len(self.discord.ops(2))
        await self.process.start()
        await self.until(
            lambda: (
                len(self.telegram.calls_of("setMyCommands")) >= menus + 2
                and len(self.discord.ops(2)) > identified
            ),
            START_S,
        )

    async def until(self, condition: Callable[[], bool], timeout: float) -> None:
        """Wait for `condition`, starting the process again (a crash, counted) if it died."""
        async with asyncio.timeout(timeout):
            while not condition():
                if not self.process.alive:
                    self.crashes += 1
                    await self.start()
                await asyncio.sleep(0.2)

    def discord_replies(self) -> list[Call]:
        """Messages the bot posted that quote a message (its answers to photos)."""
        return [
            call
            for call in self.discord.requests("POST", r"/channels/\d+/messages")
            if (call.body or {}).get("message_reference")
        ]

    def leaked_secrets(self) -> list[str]:
        """Every line the process printed that holds a token's secret part."""
        lines = self.process.output().decode(errors="replace").splitlines()
        return [line for line in lines if any(secret in line for secret in SECRETS)]


@asynccontextmanager
async def served(database: Path, **environment: str) -> AsyncIterator[Served]:
    """Both fakes and the process on the SQLite store `database`, the FAST_BOT engine and
    `environment` on top; Ctrl-C when the block ends."""
    async with FakeTelegram() as telegram, FakeDiscord(DISCORD_TOKEN) as discord:
        settings = (
            telegram_environment(telegram, database)
            | FAST_BOT
            | {
                "DISCORD_TOKEN": DISCORD_TOKEN,
                "FERBOT_DISCORD__API_URL": discord.api_url,
                "FERBOT_DISCORD__GATEWAY_URL": discord.gateway_url,
            }
            | environment
        )
        both = Served(telegram, discord, FerbotProcess(settings, ("-vv",)))
        await both.start()
        try:
            yield both
        finally:
            await both.process.stop()
