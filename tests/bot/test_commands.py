import io

from PIL import Image

from bot.charts import HEIGHT_PX, WIDTH_PX
from bot.events import ButtonPress, Sender
from bot.replies import Reply
from tests.bot.conftest import ALICE, ALICE_CHAT, GROUP, MINJI
from tests.images import FACE_JPEG, GROUP_JPEG

BOB = Sender("telegram", "1003", "Bob", "en")


async def test_start_says_what_the_bot_does_and_how_privacy_works(harness) -> None:
    text = (await harness.say("/start")).text
    assert "Send me a photo" in text and "never keep your photos" in text


async def test_help_lists_every_command(harness) -> None:
    text = (await harness.say("/help")).text
    for command in ("/history", "/forget", "/privacy", "/lang", "/auto"):
        assert command in text


async def test_privacy_names_the_retention_period(harness) -> None:
    assert "deleted after 365 days" in (await harness.say("/privacy")).text


async def test_history_with_no_photos_invites_one(harness) -> None:
    assert (await harness.say("/history")).text == "No photos in the last 7 days. Send me one!"


async def test_history_counts_photos_and_names_the_most_frequent_emotion(harness) -> None:
    for _ in range(5):
        await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    await harness.bot.handle(harness.photo(GROUP_JPEG.read_bytes()))
    lines = (await harness.say("/history 30d")).text.splitlines()
    assert lines[0] == "In the last 30 days: 6 photos, most often 😊 happy (100%)."
    assert lines[-1].startswith("Latest: 😊 happy (")


async def test_history_compares_with_the_period_before(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    lines = (await harness.say("/history 7d")).text.splitlines()
    assert lines[1] == "No photos in the 7 days before."


async def test_history_comes_with_a_chart_of_the_period(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    chart = Image.open(io.BytesIO((await harness.say("/history 90d")).image))
    assert chart.format == "PNG" and chart.size == (WIDTH_PX, HEIGHT_PX)


async def test_history_without_photos_has_no_chart(harness) -> None:
    assert (await harness.say("/history")).image is None


async def test_history_refuses_an_unknown_period(harness) -> None:
    assert (await harness.say("/history 2y")).text.startswith("Use /history")


async def test_history_stays_out_of_groups(harness) -> None:
    reply = await harness.say("/history", chat=GROUP)
    assert reply.text == "Let's do that in a private chat with me."


async def test_forget_asks_first_with_buttons_that_carry_who_asked(harness) -> None:
    reply = await harness.say("/forget")
    assert [button.data for button in reply.buttons] == ["forget:yes:1001", "forget:no:1001"]


async def test_forget_confirmed_deletes_everything_of_that_person_only(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes(), sender=BOB))
    reply = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, "forget:yes:1001"))
    assert reply.text.startswith("Done: I deleted 1 analysis")
    assert (await harness.store.person_history("telegram", "1001")).photos == 0
    assert (await harness.store.person_history("telegram", "1003")).photos == 1


async def test_forget_declined_keeps_everything(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    reply = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, "forget:no:1001"))
    assert reply == Reply("OK, I kept everything.")
    assert (await harness.store.person_history("telegram", "1001")).photos == 1


async def test_nobody_can_confirm_forgetting_someone_else(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    reply = await harness.bot.handle(ButtonPress(BOB, ALICE_CHAT, "forget:yes:1001"))
    assert reply == Reply("Only the person who asked can answer this.")
    assert (await harness.store.person_history("telegram", "1001")).photos == 1


async def test_lang_switches_replies_and_is_remembered(harness) -> None:
    assert (await harness.say("/lang ko")).text == "이제부터 한국어로 답할게요."
    assert (await harness.say("/history")).text.startswith("최근 7일 동안 받은 사진이 없어요")


async def test_lang_overrides_the_platform_language(harness) -> None:
    await harness.say("/lang en", sender=MINJI)
    assert (await harness.say("/privacy", sender=MINJI)).text.startswith("What I keep")


async def test_auto_is_for_group_admins_only(harness) -> None:
    reply = await harness.say("/auto on", chat=GROUP, admin=False)
    assert reply == Reply("Only the group's admins can change that.")
    assert not (await harness.store.chat_settings("telegram", GROUP.chat_id)).auto_analysis


async def test_auto_makes_no_sense_in_a_private_chat(harness) -> None:
    assert (await harness.say("/auto on")).text == "That only makes sense in a group."


async def test_stats_shows_the_engine_to_operators(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    text = (await harness.say("/stats")).text
    assert text.startswith("Engine: 1 photo answered, 0 in progress")
    assert "faceapi_expression" in text


async def test_stats_is_refused_to_everyone_else(harness) -> None:
    reply = await harness.say("/stats", sender=BOB)
    assert reply == Reply("That command is for the bot's operators.")


async def test_an_unknown_command_points_to_help(harness) -> None:
    assert "/help" in (await harness.say("/dance")).text


async def test_a_forged_forget_press_without_an_owner_deletes_nothing_and_says_so(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes()))
    for data in ("forget:yes", "forget:", "forget:yes:"):
        reply = await harness.bot.handle(ButtonPress(ALICE, ALICE_CHAT, data))
        assert reply == Reply("Only the person who asked can answer this.")
    assert (await harness.store.person_history("telegram", "1001")).photos == 1
