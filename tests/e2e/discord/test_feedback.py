"""Photo answers drawn on the photo and "that's wrong" corrections, through the real
discord.py client and the fake Discord."""

import io

from PIL import Image

from tests.e2e.discord.fixtures import ALICE, ALICE_DM, MINJI, RunningDiscord
from tests.fakes import fake_discord
from tests.fakes.fake_discord import BOT, CHANNEL_ID
from tests.images import FACE_JPEG, GROUP_JPEG


async def answer_in_channel(discord_bot: RunningDiscord, photo: bytes):
    """Alice posts `photo` in the guild channel, mentioning the bot; the bot's answer (its
    request) and the message as the channel then shows it."""
    fake = discord_bot.fake
    await discord_bot.send_photo(ALICE, CHANNEL_ID, fake.upload(photo), guild=True, mentions=(BOT,))
    path = f"/channels/{CHANNEL_ID}/messages"
    (call,) = await discord_bot.until(lambda: fake.requests("POST", path))
    shown = fake_discord.message(
        fake.new_id(),
        CHANNEL_ID,
        BOT,
        embeds=call.body.get("embeds"),
        components=call.body.get("components"),
        guild=True,
    )
    return call, shown


async def callback_to(discord_bot: RunningDiscord, interaction: str) -> fake_discord.Call:
    """The bot's callback to a button press (the request it made)."""
    path = f"/interactions/{interaction}/[^/]+/callback"
    (callback,) = await discord_bot.until(lambda: discord_bot.fake.requests("POST", path))
    return callback


def custom_id(components: list[dict], label: str) -> str:
    return next(
        button["custom_id"]
        for row in components
        for button in row["components"]
        if button["label"] == label
    )


async def test_a_three_face_photo_comes_back_attached_to_the_embed_that_lists_the_faces(
    discord_bot: RunningDiscord,
) -> None:
    call, _ = await answer_in_channel(discord_bot, GROUP_JPEG.read_bytes())
    (embed,) = call.body["embeds"]
    assert [field["name"][:2] for field in embed["fields"]] == ["1.", "2.", "3."]
    assert embed["image"]["url"] == "attachment://photo.jpg"
    assert call.body["attachments"][0]["filename"] == "photo.jpg"
    (picture,) = call.files.values()
    assert Image.open(io.BytesIO(picture)).format == "JPEG"


async def test_a_one_face_photo_is_answered_without_a_picture(
    discord_bot: RunningDiscord,
) -> None:
    call, _ = await answer_in_channel(discord_bot, FACE_JPEG.read_bytes())
    assert not call.files and "image" not in call.body["embeds"][0]


async def test_the_senders_correction_is_stored_and_edits_the_answer_in_place(
    discord_bot: RunningDiscord,
) -> None:
    call, shown = await answer_in_channel(discord_bot, GROUP_JPEG.read_bytes())
    fix = custom_id(call.body["components"], "✏️ 2 is wrong")
    callback = await callback_to(
        discord_bot, await discord_bot.press(ALICE, CHANNEL_ID, fix, on=shown)
    )
    assert callback.body["type"] == 7  # the message the button sat on, updated
    sad = custom_id(callback.body["data"]["components"], "😢 sad")
    callback = await callback_to(
        discord_bot, await discord_bot.press(ALICE, CHANNEL_ID, sad, on=shown)
    )
    second = callback.body["data"]["embeds"][0]["fields"][1]
    assert callback.body["type"] == 7 and second["value"].endswith("✏️ you said: 😢 sad")
    agreement = await discord_bot.core.store.agreement(days=1)
    assert agreement.chosen_instead() == [("sad", 1)]


async def test_a_correction_pressed_by_another_member_is_refused_to_them_alone(
    discord_bot: RunningDiscord,
) -> None:
    call, shown = await answer_in_channel(discord_bot, GROUP_JPEG.read_bytes())
    fix = custom_id(call.body["components"], "✏️ 1 is wrong")
    callback = await callback_to(
        discord_bot, await discord_bot.press(MINJI, CHANNEL_ID, fix, on=shown)
    )
    assert callback.body["type"] == 4 and callback.body["data"]["flags"] == 64  # ephemeral
    assert callback.body["data"]["content"] == "Only the person who sent the photo can correct it."
    assert (await discord_bot.core.store.agreement(days=1)).corrected == 0


async def test_forget_removes_the_senders_corrections(discord_bot: RunningDiscord) -> None:
    fake = discord_bot.fake
    call, shown = await answer_in_channel(discord_bot, GROUP_JPEG.read_bytes())
    fix = custom_id(call.body["components"], "✏️ 1 is wrong")
    opened = await callback_to(
        discord_bot, await discord_bot.press(ALICE, CHANNEL_ID, fix, on=shown)
    )
    angry = custom_id(opened.body["data"]["components"], "😠 angry")
    await callback_to(discord_bot, await discord_bot.press(ALICE, CHANNEL_ID, angry, on=shown))
    assert (await discord_bot.core.store.agreement(days=1)).corrected == 1
    (question,) = await discord_bot.followups(
        await discord_bot.use_command(ALICE, ALICE_DM, "forget")
    )
    yes = custom_id(question["components"], "Yes, delete everything")
    asked = fake_discord.message(fake.new_id(), ALICE_DM, BOT, components=question["components"])
    await discord_bot.followups(await discord_bot.press(ALICE, ALICE_DM, yes, on=asked))
    assert (await discord_bot.core.store.agreement(days=1)).corrected == 0
