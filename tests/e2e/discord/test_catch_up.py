"""Catching up from channel history on a fresh gateway session: Discord never redelivers a
message, so photos sent while the bot was down are found in history and answered."""

import logging
from datetime import UTC, datetime

import pytest

from storage import AnalysisRecord, ChatRef, PersonRef
from tests.bot.conftest import Harness
from tests.e2e.discord.fixtures import ALICE, ALICE_DM, running
from tests.e2e.discord.test_discord import posted
from tests.fakes import fake_discord
from tests.fakes.fake_discord import BOT, CHANNEL_ID, FakeDiscord
from tests.images import FACE_JPEG
from tests.storage.builders import photo

ALICE_REF = PersonRef("discord", ALICE["id"], "Alice")
ALICE_CHAT = ChatRef("discord", ALICE_DM, "private", "Alice")
CHANNEL_CHAT = ChatRef("discord", CHANNEL_ID, "group", "Friends #photos")


def recorded(message_id: str, chat: ChatRef = ALICE_CHAT) -> AnalysisRecord:
    """A photo of Alice's as the store keeps it, sent just now."""
    return photo(message_id, datetime.now(UTC).isoformat(), "happy", ALICE_REF, chat)


def sent_while_down(
    fake: FakeDiscord, channel_id: str = ALICE_DM, *, guild: bool = False, **message: object
) -> str:
    """A photo of Alice's in the channel's history that no gateway delivered; its id."""
    message_id = fake.new_id()
    attachment = fake.upload(FACE_JPEG.read_bytes())
    fake.keep(
        fake_discord.message(
            message_id, channel_id, ALICE, attachments=[attachment], guild=guild, **message
        )
    )
    return message_id


def replied_to(fake: FakeDiscord, channel_id: str) -> list[str]:
    """The ids of the messages the bot replied to in a channel, in the order it replied."""
    posts = fake.requests("POST", f"/channels/{channel_id}/messages")
    return [str(call.body["message_reference"]["message_id"]) for call in posts]


async def message_ids_recorded(core: Harness) -> list[str]:
    history = await core.store.person_history("discord", ALICE["id"], last=10)
    return sorted(record.message_id for record in history.last)


async def test_a_photo_sent_while_the_bot_was_down_is_answered_when_it_starts_and_recorded(
    fake: FakeDiscord, core: Harness
) -> None:
    async with running(fake, core) as first:
        answered = await first.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
        await posted(first, ALICE_DM)
        await first.caught_up()
    missed = sent_while_down(fake)
    async with running(fake, core) as second:
        await second.caught_up()
    assert replied_to(fake, ALICE_DM) == [answered, missed]
    assert await message_ids_recorded(core) == sorted([answered, missed])


async def test_a_photo_answered_before_the_restart_is_not_answered_again(
    fake: FakeDiscord, core: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(fake, core) as first:
        answered = await first.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
        await posted(first, ALICE_DM)
        await first.caught_up()
    with caplog.at_level(logging.INFO, "adapters.discord_adapter"):
        async with running(fake, core) as second:
            await second.caught_up()
    assert fake.requests("GET", f"/channels/{ALICE_DM}/messages")
    assert replied_to(fake, ALICE_DM) == [answered]
    assert f"discord: caught up 0 messages in channel {ALICE_DM}" in caplog.text


async def test_a_photo_recorded_but_not_replied_to_at_a_crash_is_answered_and_recorded_once(
    fake: FakeDiscord, core: Harness
) -> None:
    unanswered = sent_while_down(fake)
    await core.store.record(recorded(unanswered))
    async with running(fake, core) as started:
        await started.caught_up()
    assert replied_to(fake, ALICE_DM) == [unanswered]
    assert await message_ids_recorded(core) == [unanswered]


async def test_a_channel_whose_history_is_refused_is_skipped_and_the_others_catch_up(
    fake: FakeDiscord, core: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await core.store.record(recorded(fake.new_id()))
    await core.store.record(recorded(fake.new_id(), CHANNEL_CHAT))  # the most recent: read first
    missed = sent_while_down(fake)
    fake.refuse(f"/channels/{CHANNEL_ID}/messages", 403)
    async with running(fake, core) as started:
        await started.caught_up()
    assert replied_to(fake, ALICE_DM) == [missed]
    assert f"catching up in channel {CHANNEL_ID} failed" in caplog.text
    assert "Missing Access" in caplog.text


async def test_only_channel_photos_the_bot_would_have_answered_live_are_caught_up(
    fake: FakeDiscord, core: Harness
) -> None:
    fake.message_content_allowed = True  # the bot sees every attachment: it must choose
    await core.store.record(recorded(fake.new_id(), CHANNEL_CHAT))
    sent_while_down(fake, CHANNEL_ID, guild=True)  # with /auto off, not for the bot
    for_the_bot = sent_while_down(fake, CHANNEL_ID, guild=True, mentions=[BOT])
    async with running(fake, core, message_content=True) as started:
        await started.caught_up()
    assert replied_to(fake, CHANNEL_ID) == [for_the_bot]


async def test_a_photo_arriving_live_while_history_is_read_is_answered_once(
    fake: FakeDiscord, core: Harness
) -> None:
    await core.store.record(recorded(fake.new_id()))
    path = f"/channels/{ALICE_DM}/messages"
    # The live answer is held back until the catch-up (2 s after the guilds) has read it.
    fake.rate_limit_next("POST", path, retry_after=4.0)
    async with running(fake, core) as started:
        live = await started.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
        await started.caught_up()
        await started.until(lambda: fake.requests("POST", path))
        await started.messages_handled()
    assert fake.requests("GET", path)
    assert replied_to(fake, ALICE_DM) == [live]


async def test_with_catch_up_off_no_history_is_read(fake: FakeDiscord, core: Harness) -> None:
    await core.store.record(recorded(sent_while_down(fake)))
    async with running(fake, core, catch_up_minutes=0) as started:
        await started.caught_up()
    assert fake.requests("GET", r"/channels/\d+/messages", status=None) == []
    assert fake.requests("POST", r"/channels/\d+/messages", status=None) == []
