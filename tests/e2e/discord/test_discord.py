"""The Discord adapter end to end: the real discord.py client against a fake Discord on
127.0.0.1, the real bot core, the bundled engine and a SQLite store."""

import asyncio
import logging

import discord
import pytest

from bot.commands import COMMANDS
from bot.replies import Reply
from bot.texts import MESSAGES
from tests.bot.conftest import Harness
from tests.e2e.discord.fixtures import (
    ALICE,
    ALICE_DM,
    MINJI,
    MINJI_DM,
    TOKEN,
    RunningDiscord,
    adapter_for,
    running,
)
from tests.fakes import fake_discord
from tests.fakes.fake_discord import BOT, CHANNEL_ID, GUILD_ID, MESSAGE_CONTENT, FakeDiscord
from tests.images import FACE_JPEG, GROUP_JPEG

MANAGE_MESSAGES = str(1 << 13)
PNG = b"\x89PNG"
MALLORY = fake_discord.user("940000000000000009", "**Mallory** @everyone")
MALLORY_DM = "950000000000000009"
OVER_25_MB = 26 * 1024 * 1024


async def posted(discord_bot: RunningDiscord, channel_id: str, count: int = 1) -> list[dict]:
    """The bodies of the first `count` messages the bot posted to `channel_id`."""
    fake = discord_bot.fake
    path = f"/channels/{channel_id}/messages"
    await discord_bot.until(lambda: len(fake.requests("POST", path)) >= count)
    return [call.body for call in fake.requests("POST", path)[:count]]


async def test_every_core_command_but_start_is_synced_to_the_guild_with_analyze(
    discord_bot: RunningDiscord,
) -> None:
    (sync,) = discord_bot.fake.requests("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    commands = {command["name"]: command for command in sync.body}
    assert set(commands) == set(COMMANDS) - {"start"} | {"analyze"}
    (photo,) = commands["analyze"]["options"]
    assert (photo["name"], photo["type"], photo["required"]) == ("photo", 11, True)


async def test_channel_settings_and_digests_are_offered_to_moderators_in_guilds_only(
    discord_bot: RunningDiscord,
) -> None:
    (sync,) = discord_bot.fake.requests("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    moderated = {
        command["name"]
        for command in sync.body
        if str(command["default_member_permissions"]) == MANAGE_MESSAGES
        and command["contexts"] == [0]  # guilds only
    }
    assert moderated == {"auto", "summary", "summary_schedule", "summary_tz", "summary_alert"}


async def test_slash_commands_are_described_by_the_bots_own_texts_in_english_and_korean(
    discord_bot: RunningDiscord,
) -> None:
    (sync,) = discord_bot.fake.requests("PUT", rf"/applications/\d+/guilds/{GUILD_ID}/commands")
    english, korean = MESSAGES["en"], MESSAGES["ko"]
    for command in sync.body:
        key = f"menu.{command['name']}"
        assert command["description"] == english[key]
        assert command["description_localizations"] == {"ko": korean[key]}
        for option in command.get("options", []):
            assert option["description"] in english.values()
            assert option["description_localizations"]["ko"] in korean.values()


async def test_a_dm_photo_is_answered_with_an_embed_and_recorded(
    discord_bot: RunningDiscord,
) -> None:
    photo = discord_bot.fake.upload(FACE_JPEG.read_bytes())
    message_id = await discord_bot.send_photo(ALICE, ALICE_DM, photo)
    (reply,) = await posted(discord_bot, ALICE_DM)
    (embed,) = reply["embeds"]
    assert embed["description"] == "I found one face:"
    (face,) = embed["fields"]
    assert face["name"].startswith("1. 😊 happy (") and face["value"]
    assert str(reply["message_reference"]["message_id"]) == message_id
    history = await discord_bot.core.store.person_history("discord", ALICE["id"])
    assert history.photos == 1 and history.emotions.most_frequent == "happy"


async def test_a_channel_photo_that_mentions_the_bot_is_answered_in_the_channel(
    discord_bot: RunningDiscord,
) -> None:
    photo = discord_bot.fake.upload(GROUP_JPEG.read_bytes())
    await discord_bot.send_photo(ALICE, CHANNEL_ID, photo, guild=True, mentions=(BOT,))
    (reply,) = await posted(discord_bot, CHANNEL_ID)
    assert [field["name"][:2] for field in reply["embeds"][0]["fields"]] == ["1.", "2.", "3."]


async def test_a_channel_photo_replying_to_the_bot_is_answered_without_a_mention(
    discord_bot_reading_content: RunningDiscord,
) -> None:
    discord_bot = discord_bot_reading_content
    fake = discord_bot.fake
    earlier = fake_discord.message(fake.new_id(), CHANNEL_ID, BOT, content="I found one face:")
    photo = fake.upload(FACE_JPEG.read_bytes())
    await discord_bot.send_photo(ALICE, CHANNEL_ID, photo, guild=True, replying_to=earlier)
    (reply,) = await posted(discord_bot, CHANNEL_ID)
    assert reply["embeds"][0]["fields"][0]["name"].startswith("1. 😊 happy")


async def test_with_auto_off_a_channel_photo_not_for_the_bot_is_neither_read_nor_answered(
    discord_bot_reading_content: RunningDiscord,
) -> None:
    discord_bot = discord_bot_reading_content  # it sees every attachment: it must choose
    fake = discord_bot.fake
    await discord_bot.send_photo(ALICE, CHANNEL_ID, fake.upload(FACE_JPEG.read_bytes()), guild=True)
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
    await posted(discord_bot, ALICE_DM)  # the client has read the channel's message too
    await discord_bot.messages_handled()
    assert fake.requests("POST", f"/channels/{CHANNEL_ID}/messages", status=None) == []
    assert len(fake.cdn_requests) == 1


async def test_with_auto_on_and_the_content_intent_every_channel_photo_is_read(
    discord_bot_reading_content: RunningDiscord,
) -> None:
    discord_bot = discord_bot_reading_content
    interaction = await discord_bot.use_command(
        ALICE, CHANNEL_ID, "auto", guild=True, permissions=MANAGE_MESSAGES, mode="on"
    )
    (answer,) = await discord_bot.followups(interaction)
    assert answer["content"] == "I'll read every photo in this group from now on."
    await discord_bot.send_photo(
        ALICE, CHANNEL_ID, discord_bot.fake.upload(FACE_JPEG.read_bytes()), guild=True
    )
    (reply,) = await posted(discord_bot, CHANNEL_ID)
    assert reply["embeds"][0]["fields"][0]["name"].startswith("1. 😊 happy")


async def test_auto_is_refused_to_a_member_who_cannot_manage_messages(
    discord_bot: RunningDiscord,
) -> None:
    interaction = await discord_bot.use_command(ALICE, CHANNEL_ID, "auto", guild=True, mode="on")
    (answer,) = await discord_bot.followups(interaction)
    assert answer["content"] == "Only the group's admins can change that."


async def test_summary_shows_the_channels_mood_with_a_chart_and_names_as_typed(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    photo = fake.upload(FACE_JPEG.read_bytes())
    await discord_bot.send_photo(MALLORY, CHANNEL_ID, photo, guild=True, mentions=(BOT,))
    await posted(discord_bot, CHANNEL_ID)
    interaction = await discord_bot.use_command(
        ALICE, CHANNEL_ID, "summary", guild=True, permissions=MANAGE_MESSAGES
    )
    (digest,) = await discord_bot.followups(interaction)
    lines = digest["content"].splitlines()
    assert lines[:2] == ["Mood in Friends #photos, the last 7 days", "1 photo from 1 person."]
    assert "Most active: \\*\\*Mallory\\*\\* @\u200beveryone (1)." in lines
    (sent,) = fake.requests("POST", rf"/webhooks/\d+/interaction-token-{interaction}")
    assert sent.files["files[0]"].startswith(PNG)


async def test_a_scheduled_digest_is_posted_to_its_channel_through_the_outbox(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    photo = fake.upload(FACE_JPEG.read_bytes())
    await discord_bot.send_photo(MALLORY, CHANNEL_ID, photo, guild=True, mentions=(BOT,))
    await posted(discord_bot, CHANNEL_ID)
    interaction = await discord_bot.use_command(
        ALICE,
        CHANNEL_ID,
        "summary_schedule",
        guild=True,
        permissions=MANAGE_MESSAGES,
        schedule="daily 00:00",
    )
    (answer,) = await discord_bot.followups(interaction)
    assert answer["content"] == "Digest scheduled: daily 00:00 (UTC)."
    assert await discord_bot.core.bot.context.digests.run_due("discord", CHANNEL_ID)
    _, digest = fake.requests("POST", f"/channels/{CHANNEL_ID}/messages")
    assert digest.body["content"].startswith("Mood in Friends #photos, the last day")
    assert digest.body["allowed_mentions"]["parse"] == []
    assert digest.files["files[0]"].startswith(PNG)


async def test_a_digest_due_at_start_up_waits_for_the_login_then_is_posted(
    fake: FakeDiscord, core: Harness
) -> None:
    adapter = adapter_for(fake)
    sending = asyncio.create_task(adapter.send(CHANNEL_ID, Reply("Mood in Friends #photos")))
    running = asyncio.create_task(adapter.run(core.bot))
    await sending
    (digest,) = fake.requests("POST", f"/channels/{CHANNEL_ID}/messages")
    assert digest.body["content"] == "Mood in Friends #photos"
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running


async def test_a_digest_for_an_adapter_that_stopped_is_dropped_with_a_warning(
    fake: FakeDiscord, core: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = adapter_for(fake, token="not-the-token")
    with pytest.raises(discord.LoginFailure):
        await adapter.run(core.bot)
    await adapter.send(CHANNEL_ID, Reply("Mood in Friends #photos"))
    assert f"a message to channel {CHANNEL_ID} was not sent" in caplog.text
    assert fake.requests("POST", f"/channels/{CHANNEL_ID}/messages", status=None) == []


async def test_every_attachment_of_a_message_is_analysed_and_recorded_apart(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    one, three = fake.upload(FACE_JPEG.read_bytes()), fake.upload(GROUP_JPEG.read_bytes())
    message_id = await discord_bot.send_photo(ALICE, ALICE_DM, one, three)
    first, second = await posted(discord_bot, ALICE_DM, count=2)
    assert len(first["embeds"][0]["fields"]) == 1 and len(second["embeds"][0]["fields"]) == 3
    history = await discord_bot.core.store.person_history("discord", ALICE["id"], last=5)
    assert sorted(record.message_id for record in history.last) == [
        f"{message_id}:1",
        f"{message_id}:2",
    ]


async def test_analyze_is_deferred_at_once_then_followed_up_with_the_faces(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    photo = fake.upload(FACE_JPEG.read_bytes())
    interaction = await discord_bot.use_command(
        ALICE, CHANNEL_ID, "analyze", guild=True, photo=photo
    )
    (followup,) = await discord_bot.followups(interaction)
    (callback,) = fake.requests("POST", f"/interactions/{interaction}/[^/]+/callback")
    assert callback.body == {"type": 5}  # deferred "thinking…", visible to the channel
    assert followup["embeds"][0]["fields"][0]["name"].startswith("1. 😊 happy")
    record = (await discord_bot.core.store.person_history("discord", ALICE["id"])).last[0]
    assert record.message_id == interaction


async def test_history_counts_the_photos_sent_in_a_dm(discord_bot: RunningDiscord) -> None:
    await discord_bot.send_photo(ALICE, ALICE_DM, discord_bot.fake.upload(FACE_JPEG.read_bytes()))
    await posted(discord_bot, ALICE_DM)
    interaction = await discord_bot.use_command(ALICE, ALICE_DM, "history", period="30d")
    (answer,) = await discord_bot.followups(interaction)
    assert answer["content"].startswith("In the last 30 days: 1 photo, most often 😊 happy (100%).")


async def test_history_in_a_channel_is_answered_to_the_asker_alone(
    discord_bot: RunningDiscord,
) -> None:
    interaction = await discord_bot.use_command(ALICE, CHANNEL_ID, "history", guild=True)
    (answer,) = await discord_bot.followups(interaction)
    (callback,) = discord_bot.fake.requests("POST", f"/interactions/{interaction}/[^/]+/callback")
    assert callback.body == {"type": 5, "data": {"flags": 64}}  # ephemeral
    assert answer["content"] == "Let's do that in a private chat with me."


async def test_forget_asks_with_buttons_and_yes_deletes_the_history(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
    await posted(discord_bot, ALICE_DM)
    asked = await discord_bot.use_command(ALICE, ALICE_DM, "forget")
    (question,) = await discord_bot.followups(asked)
    (row,) = question["components"]
    yes, no = row["components"]
    assert (yes["label"], no["label"]) == ("Yes, delete everything", "No, keep it")
    shown = fake_discord.message(fake.new_id(), ALICE_DM, BOT, components=question["components"])
    pressed = await discord_bot.press(ALICE, ALICE_DM, yes["custom_id"], on=shown)
    (answer,) = await discord_bot.followups(pressed)
    assert answer["content"].startswith("Done: I deleted 1 analysis")
    assert (await discord_bot.core.store.person_history("discord", ALICE["id"])).photos == 0


async def test_commands_answer_in_the_language_of_the_discord_client(
    discord_bot: RunningDiscord,
) -> None:
    interaction = await discord_bot.use_command(MINJI, MINJI_DM, "privacy", locale="ko")
    (answer,) = await discord_bot.followups(interaction)
    assert answer["content"].startswith("저장하는 것:")


async def test_a_rate_limited_reply_is_sent_after_retry_after_and_nothing_is_lost(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    path = f"/channels/{ALICE_DM}/messages"
    fake.rate_limit_next("POST", path, retry_after=0.05)
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
    (reply,) = await posted(discord_bot, ALICE_DM)
    assert [call.status for call in fake.requests("POST", path, status=None)] == [429, 200]
    assert reply["embeds"][0]["description"] == "I found one face:"


async def test_a_global_rate_limit_on_a_follow_up_is_waited_out_too(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    fake.rate_limit_next("POST", r"/webhooks/\d+/.+", retry_after=0.05, is_global=True)
    interaction = await discord_bot.use_command(ALICE, ALICE_DM, "help")
    (answer,) = await discord_bot.followups(interaction)
    assert "/history" in answer["content"]
    assert [call.status for call in fake.requests("POST", r"/webhooks/.+", status=None)] == [
        429,
        200,
    ]


async def test_a_dropped_gateway_is_resumed_and_later_photos_are_answered(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    await fake.drop_connection()
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
    (reply,) = await posted(discord_bot, ALICE_DM)
    assert reply["embeds"][0]["fields"][0]["name"].startswith("1. 😊 happy")
    (resume,) = fake.ops(6)
    assert resume["d"]["session_id"] == "fake-session" and len(fake.ops(2)) == 1


async def test_an_oversized_attachment_gets_the_limit_and_is_never_downloaded(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    huge = fake.upload(FACE_JPEG.read_bytes(), "huge.jpg", size=OVER_25_MB)
    await discord_bot.send_photo(ALICE, ALICE_DM, huge)
    (reply,) = await posted(discord_bot, ALICE_DM)
    assert reply["content"] == "This file is larger than 25 MB; please send a smaller one."
    assert fake.cdn_requests == []


async def test_a_file_that_is_no_picture_gets_a_polite_reply_unread(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(b"%PDF-1.7", "cv.pdf", None))
    (reply,) = await posted(discord_bot, ALICE_DM)
    assert reply["content"] == "I can read JPEG, PNG, WebP, BMP and GIF pictures."
    assert fake.cdn_requests == []


async def test_nothing_the_bot_sends_can_ping_anyone(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    await discord_bot.send_photo(MALLORY, MALLORY_DM, fake.upload(FACE_JPEG.read_bytes()))
    interaction = await discord_bot.use_command(MALLORY, MALLORY_DM, "help")
    (reply,) = await posted(discord_bot, MALLORY_DM)
    (answer,) = await discord_bot.followups(interaction)
    for body in (reply, answer):
        assert body["allowed_mentions"]["parse"] == []
        assert body["allowed_mentions"].get("replied_user") in (None, False)


async def test_the_token_never_reaches_the_logs(
    discord_bot: RunningDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = discord_bot.fake
    await fake.drop_connection()  # a RESUME sends the token again
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
    interaction = await discord_bot.use_command(ALICE, ALICE_DM, "help")
    await posted(discord_bot, ALICE_DM)
    await discord_bot.followups(interaction)
    assert fake.ops(6)[0]["d"]["token"] == TOKEN  # it was used...
    assert caplog.records and TOKEN not in caplog.text  # ...and never logged


async def test_the_message_content_intent_is_not_asked_for_by_default(
    discord_bot: RunningDiscord,
) -> None:
    (identify,) = discord_bot.fake.ops(2)
    assert identify["d"]["intents"] & MESSAGE_CONTENT == 0


async def test_a_replica_identifies_as_its_configured_shard(
    fake: FakeDiscord, core: Harness
) -> None:
    async with running(fake, core, shard_id=1, shard_count=2):
        (identify,) = fake.ops(2)
    assert identify["d"]["shard"] == [1, 2]


async def test_a_refused_token_stops_the_adapter_naming_the_variable_not_the_token(
    fake: FakeDiscord, core: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(discord.LoginFailure):
        await adapter_for(fake, token="not-the-token").run(core.bot)
    assert "set a bot token in $DISCORD_TOKEN" in caplog.text
    assert "not-the-token" not in caplog.text


async def test_a_refused_message_content_intent_names_the_setting(
    fake: FakeDiscord, core: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(discord.PrivilegedIntentsRequired):
        await adapter_for(fake, message_content=True).run(core.bot)
    assert "discord.message_content = false" in caplog.text


async def test_cancelling_the_adapter_closes_the_gateway_cleanly(
    discord_bot: RunningDiscord,
) -> None:
    discord_bot.adapter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await discord_bot.adapter
    assert discord_bot.fake.closes == [1000]
