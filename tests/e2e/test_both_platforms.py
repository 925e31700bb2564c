"""One `ferbot run` process serving Telegram and Discord together: one engine, one store."""

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

from tests.e2e.conftest import ALICE
from tests.e2e.discord.fixtures import ALICE as DISCORD_ALICE
from tests.e2e.discord.fixtures import ALICE_DM, TOKEN
from tests.e2e.processes import ferbot_run, telegram_environment
from tests.fakes import fake_discord
from tests.fakes.fake_discord import FakeDiscord
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG


async def test_one_process_answers_on_telegram_and_discord_into_one_store(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "ferbot.db"
    async with FakeDiscord(TOKEN) as discord:
        environment = telegram_environment(fake, database) | {
            "DISCORD_TOKEN": TOKEN,
            "FERBOT_DISCORD__API_URL": discord.api_url,
            "FERBOT_DISCORD__GATEWAY_URL": discord.gateway_url,
        }
        async with ferbot_run(environment) as stopped:
            await fake.wait_for(lambda: len(fake.calls_of("setMyCommands")) == 2, timeout=120)
            await asyncio.wait_for(discord.until(lambda: discord.ops(2)), timeout=120)
            fake.push(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
            photo = discord.upload(FACE_JPEG.read_bytes())
            message = fake_discord.message(
                discord.new_id(), ALICE_DM, DISCORD_ALICE, attachments=[photo]
            )
            await discord.dispatch("MESSAGE_CREATE", message)
            await fake.wait_for(lambda: len(fake.sent) == 1)
            path = f"/channels/{ALICE_DM}/messages"
            (answer,) = await asyncio.wait_for(
                discord.until(lambda: discord.requests("POST", path)), timeout=60
            )
    assert fake.sent[0].text.startswith("I found one face:")
    assert answer.body["embeds"][0]["fields"][0]["name"].startswith("1. 😊 happy")
    assert stopped.returncode == 0, stopped.output.decode()
    with closing(sqlite3.connect(database)) as store:
        rows = store.execute(
            "SELECT people.platform, COUNT(*) FROM analyses JOIN people ON people.id = "
            "analyses.person_id GROUP BY people.platform ORDER BY people.platform"
        ).fetchall()
    assert rows == [("discord", 1), ("telegram", 1)]
