"""A group's scheduled digest, sent through real Telegram HTTP when its local time comes."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from fer_engine.pipeline import Pipeline
from tests.e2e.conftest import ALICE, GROUP, MINJI, running_bot
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG

DUE = datetime(2026, 3, 1, 12, tzinfo=UTC)  # 21:00 on 1 March in Seoul


async def test_a_scheduled_digest_reaches_the_group_with_its_chart(
    fake: FakeTelegram, bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    with time_machine.travel(DUE - timedelta(hours=9), tick=True) as clock:  # noon in Seoul
        async with running_bot(fake, bundled_pipeline, tmp_path) as telegram:
            fake.set_member_status(GROUP["id"], ALICE.id, "administrator")
            for command in ("/summary_tz Asia/Seoul", "/summary_schedule daily 21:00"):
                await telegram.push_and_wait(fake.command_update(ALICE, command, GROUP))
            photo = fake.photo_update(
                MINJI, FACE_JPEG.read_bytes(), GROUP, caption="@FerBot_Test_Bot"
            )
            await telegram.push_and_wait(photo)
            clock.move_to(DUE + timedelta(seconds=1))
            telegram.bot.context.digests.scheduler.wakeup()  # what its timer does at 21:00
            await fake.wait_for(lambda: len(fake.sent_to(GROUP["id"])) == 4)
    digest = fake.sent_to(GROUP["id"])[-1]
    assert digest.method == "sendphoto" and digest.photo.startswith(b"\x89PNG")
    assert digest.text.startswith("Mood in Friends, the last day\n1 photo from 1 person.")
