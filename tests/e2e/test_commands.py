"""Commands, the command menu and buttons, through real Telegram HTTP."""

from bot.commands import MENU
from tests.e2e.conftest import ALICE, RunningBot
from tests.images import FACE_JPEG


async def test_history_after_five_photos_counts_all_five(telegram: RunningBot) -> None:
    for _ in range(5):
        await telegram.push_and_wait(telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    (answer,) = await telegram.push_and_wait(telegram.fake.command_update(ALICE, "/history"))
    assert answer.text.startswith("In the last 7 days: 5 photos, most often 😊 happy (100%).")


async def test_forget_then_yes_then_history_is_empty(telegram: RunningBot) -> None:
    fake = telegram.fake
    await telegram.push_and_wait(fake.photo_update(ALICE, FACE_JPEG.read_bytes()))
    (question,) = await telegram.push_and_wait(fake.command_update(ALICE, "/forget"))
    assert [label for label, _ in question.buttons] == ["Yes, delete everything", "No, keep it"]

    (done,) = await telegram.push_and_wait(
        fake.press_update(ALICE, question, "Yes, delete everything")
    )
    assert done.method == "editmessagetext" and done.message_id == question.message_id
    assert done.text.startswith("Done: I deleted 1 analysis") and done.buttons == ()
    assert len(fake.calls_of("answerCallbackQuery")) == 1

    (history,) = await telegram.push_and_wait(fake.command_update(ALICE, "/history all"))
    assert history.text == "No photos in the last 365 days (all I keep). Send me one!"


async def test_the_command_menu_is_registered_in_english_and_korean(
    telegram: RunningBot,
) -> None:
    menus = {
        call.params.get("language_code"): [c["command"] for c in call.params["commands"]]
        for call in telegram.fake.calls_of("setMyCommands")
    }
    expected = list(MENU)
    assert menus == {None: expected, "ko": expected}


async def test_an_unknown_command_in_a_private_chat_points_to_help(telegram: RunningBot) -> None:
    (answer,) = await telegram.push_and_wait(telegram.fake.command_update(ALICE, "/dance"))
    assert answer.text == "I don't know that command. /help lists what I can do."
