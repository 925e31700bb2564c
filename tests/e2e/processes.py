"""`ferbot run` as an operator starts it: a real process, settings from the environment; and
killed as a crash would kill it (SIGKILL), then started again on the same store."""

import asyncio
import os
import signal
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tests.fakes.fake_telegram import FakeTelegram
from tests.ferbot_command import FERBOT

STOP_S = 120.0  # how long Ctrl-C may take before the process is killed instead


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


@dataclass
class FerbotProcess:
    """`ferbot run` (with `arguments` before `run`, e.g. "-vv") that can be killed and started
    again. Everything every run printed goes to one file, so a chatty process never blocks on
    a full pipe and the whole output can be read (and scanned for secrets) at the end."""

    environment: dict[str, str]
    arguments: tuple[str, ...] = ()
    console: bool = False  # its terminal chat stays open until Ctrl-C, else its input is empty
    starts: int = 0
    kills: int = 0
    _log: IO[bytes] = field(default_factory=tempfile.TemporaryFile)
    _process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *FERBOT,
            *self.arguments,
            "run",
            env=os.environ | self.environment,
            stdin=subprocess.PIPE if self.console else subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_hear_ctrl_c,
        )
        self.starts += 1

    @property
    def pid(self) -> int | None:
        return self._process.pid if self.alive and self._process is not None else None

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or confirmed, as in a crash."""
        assert self._process is not None
        self._process.kill()
        await self._process.wait()
        self.kills += 1

    async def stop(self) -> int | None:
        """Ctrl-C, then its exit status once it has finished what it had in hand; killed
        (and None) if that takes longer than STOP_S."""
        if self._process is None:
            return None
        if self._process.returncode is None:
            self._process.send_signal(signal.SIGINT)
        if self._process.stdin is not None:
            # The console's reader thread waits for a line or the end of its input.
            self._process.stdin.close()
        try:
            return await asyncio.wait_for(self._process.wait(), STOP_S)
        except TimeoutError:
            self._process.kill()
            await self._process.wait()
            return None

    def output(self) -> bytes:
        self._log.seek(0)
        return self._log.read()


def _hear_ctrl_c() -> None:
    """In the child: SIGINT back to its default. A shell starting the tests in the background
    ignores it, children inherit that, and ferbot would never hear Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@asynccontextmanager
async def ferbot_run(
    environment: dict[str, str], *, console: bool = False
) -> AsyncIterator[Stopped]:
    """Run `ferbot run` with `environment` added until the block ends, then Ctrl-C it; what
    it printed and its exit status are in the yielded `Stopped` afterwards. `console`: its
    terminal chat stays open (its input ends only after Ctrl-C, as when a person presses
    Enter), else its input is empty."""
    process = FerbotProcess(environment, console=console)
    await process.start()
    stopped = Stopped()
    try:
        yield stopped
    finally:
        stopped.returncode = await process.stop()
        stopped.output = process.output()
