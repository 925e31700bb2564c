"""`ferbot run` itself, as an operator starts it: the token from the environment, Telegram
on, a photo answered, and Ctrl-C stopping it cleanly."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import ALICE
from tests.e2e.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG

FERBOT = Path(sys.executable).parent / "ferbot"


async def test_ferbot_run_answers_on_telegram_and_stops_cleanly_on_ctrl_c(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    environment = os.environ | {
        "TELEGRAM_TOKEN": fake.token,
        "FERBOT_TELEGRAM__API_URL": fake.api_url,
        "FERBOT_TELEGRAM__FILE_URL": fake.file_url,
        "FERBOT_STORAGE__URL": f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}",
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
        fake.push(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
        await fake.wait_for(lambda: len(fake.sent) == 1)
    finally:
        ferbot.send_signal(signal.SIGINT)
        output, _ = await ferbot.communicate()
    assert fake.sent[0].text.startswith("I found one face:")
    assert ferbot.returncode == 0
    assert b"Traceback" not in output and b"CRITICAL" not in output
