"""`ferbot run` itself, as an operator starts it: the token from the environment, Telegram
on, a photo answered, and Ctrl-C stopping it cleanly."""

from pathlib import Path

from tests.e2e.conftest import ALICE
from tests.e2e.processes import ferbot_run, telegram_environment
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG


async def test_ferbot_run_answers_on_telegram_and_stops_cleanly_on_ctrl_c(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with ferbot_run(telegram_environment(fake, tmp_path / "ferbot.db")) as stopped:
        await fake.wait_for(lambda: len(fake.calls_of("setMyCommands")) == 2, timeout=120)
        fake.push(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
        await fake.wait_for(lambda: len(fake.sent) == 1)
    assert fake.sent[0].text.startswith("I found one face:")
    assert stopped.returncode == 0
    assert b"Traceback" not in stopped.output and b"CRITICAL" not in stopped.output
