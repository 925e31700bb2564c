"""`ferbot run` on Discord killed as a crash kills it (SIGKILL) with a photo in flight, and a
photo sent while it is down: both answered once it is started again, each recorded once."""

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.e2e.discord.fixtures import ALICE, ALICE_DM, TOKEN
from tests.e2e.processes import FerbotProcess
from tests.fakes import fake_discord
from tests.fakes.fake_discord import FakeDiscord
from tests.images import FACE_JPEG

START_S = 120.0  # loading the engine on a busy CPU; a guard, not a timing expectation
REPLIES = f"/channels/{ALICE_DM}/messages"


async def send_photo(fake: FakeDiscord, *, live: bool = True) -> str:
    """A DM photo from Alice, delivered on the gateway or, with the bot down, only kept."""
    message_id = fake.new_id()
    attachment = fake.upload(FACE_JPEG.read_bytes())
    payload = fake_discord.message(message_id, ALICE_DM, ALICE, attachments=[attachment])
    if live:
        await fake.dispatch("MESSAGE_CREATE", payload)
    else:
        fake.keep(payload)
    return message_id


def replied_to(fake: FakeDiscord) -> list[str]:
    return [
        str(call.body["message_reference"]["message_id"]) for call in fake.requests("POST", REPLIES)
    ]


async def test_photos_in_flight_at_a_sigkill_or_sent_while_down_are_answered_after_restart(
    tmp_path: Path,
) -> None:
    database = tmp_path / "ferbot.db"
    async with FakeDiscord(TOKEN) as fake:
        process = FerbotProcess(
            {
                "DISCORD_TOKEN": TOKEN,
                "FERBOT_DISCORD__API_URL": fake.api_url,
                "FERBOT_DISCORD__GATEWAY_URL": fake.gateway_url,
                "FERBOT_STORAGE__URL": f"sqlite+aiosqlite:///{database}",
                "FERBOT_ENGINE__DEVICE": "cpu",
            }
        )
        await process.start()
        try:
            await fake.until(lambda: fake.ops(2), START_S)
            answered = await send_photo(fake)
            await fake.until(lambda: replied_to(fake))
            # The next reply is held by a long 429: the photo is analysed and recorded, and
            # the process is killed before its answer leaves.
            fake.rate_limit_next("POST", REPLIES, retry_after=60.0)
            in_flight = await send_photo(fake)
            await fake.until(lambda: fake.requests("POST", REPLIES, status=429))
            await process.kill()
            while_down = await send_photo(fake, live=False)
            await process.start()
            await fake.until(lambda: len(fake.ops(2)) == 2, START_S)
            await fake.until(lambda: len(replied_to(fake)) >= 3)
        finally:
            returncode = await process.stop()
    assert replied_to(fake) == [answered, in_flight, while_down]
    assert returncode == 0, process.output().decode()
    assert b"Traceback" not in process.output()
    with closing(sqlite3.connect(database)) as store:
        recorded = [row[0] for row in store.execute("SELECT platform_message_id FROM analyses")]
    assert sorted(recorded) == sorted([answered, in_flight, while_down])
