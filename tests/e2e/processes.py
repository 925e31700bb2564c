"""`ferbot run` as an operator starts it: a real process, settings from the environment."""

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.fake_telegram import FakeTelegram

FERBOT = Path(sys.executable).parent / "ferbot"


@dataclass
class Stopped:
    """How the process ended after Ctrl-C: its exit status and everything it printed."""

    returncode: int | None = None
    output: bytes = b""


def telegram_environment(fake: FakeTelegram, database: Path) -> dict[str, str]:
    """Telegram on, pointed at the fake Bot API; the store in `database`; the engine on CPU."""
    return {
        "TELEGRAM_TOKEN": fake.token,
        "FERBOT_TELEGRAM__API_URL": fake.api_url,
        "FERBOT_TELEGRAM__FILE_URL": fake.file_url,
        "FERBOT_STORAGE__URL": f"sqlite+aiosqlite:///{database}",
        "FERBOT_ENGINE__DEVICE": "cpu",
    }


@asynccontextmanager
async def ferbot_run(
    environment: dict[str, str], *, console: bool = False
) -> AsyncIterator[Stopped]:
    """Run `ferbot run` with `environment` added until the block ends, then Ctrl-C it; what
    it printed and its exit status are in the yielded `Stopped` afterwards. `console`: its
    terminal chat stays open (its input ends only after Ctrl-C, as when a person presses
    Enter), else its input is empty."""
    process = await asyncio.create_subprocess_exec(
        FERBOT,
        "run",
        env=os.environ | environment,
        stdin=subprocess.PIPE if console else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    stopped = Stopped()
    try:
        yield stopped
    finally:
        process.send_signal(signal.SIGINT)
        # The console's reader thread waits for a line or the end of its input.
        stopped.output, _ = await process.communicate(b"" if console else None)
        stopped.returncode = process.returncode
