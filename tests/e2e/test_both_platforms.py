"""One `ferbot run` process serving Telegram and Discord together: one engine, one store."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.e2e import fake_discord
from tests.e2e.conftest import ALICE
from tests.e2e.discord.fixtures import ALICE as DISCORD_ALICE
from tests.e2e.discord.fixtures import ALICE_DM, TOKEN
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG

FERBOT = Path(sys.executable).parent / "ferbot"


async def test_one_process_answers_on_telegram_and_discord_into_one_store(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    database = tmp_path / "ferbot.db"
    async with FakeDiscord(TOKEN) as discord:
        environment = os.environ | {
            "TELEGRAM_TOKEN": fake.token,
            "FERBOT_TELEGRAM__API_URL": fake.api_url,
            "FERBOT_TELEGRAM__FILE_URL": fake.file_url,
            "DISCORD_TOKEN": TOKEN,
            "FERBOT_DISCORD__API_URL": discord.api_url,
            "FERBOT_DISCORD__GATEWAY_URL": discord.gateway_url,
            "FERBOT_STORAGE__URL": f"sqlite+aiosqlite:///{database}",
            "FERBOT_ENGINE__DEVICE": "cpu",
        }
        ferbot = await asyncio.create_subprocess_exec(
            FERBOT,
            "run",
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
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
        finally:
            ferbot.send_signal(signal.SIGINT)
            output, _ = await ferbot.communicate()
    assert fake.sent[0].text.startswith("I found one face:")
    assert answer.body["embeds"][0]["fields"][0]["name"].startswith("1. 😊 happy")
    assert ferbot.returncode == 0, output.decode()
    with closing(sqlite3.connect(database)) as store:
        rows = store.execute(
            "SELECT people.platform, COUNT(*) FROM analyses JOIN people ON people.id = "
            "analyses.person_id GROUP BY people.platform ORDER BY people.platform"
        ).fetchall()
    assert rows == [("discord", 1), ("telegram", 1)]
