"""Photos and commands in a group: answered when meant for the bot, or when admins say so."""

from tests.e2e.conftest import ALICE, GROUP, MINJI, RunningBot
from tests.fakes.fake_telegram import BOT
from tests.images import FACE_JPEG, GROUP_JPEG


def bot_message_in_group() -> dict:
    return {"message_id": 7, "date": 1, "chat": GROUP, "from": BOT, "text": "I found one face:"}


async def test_a_group_photo_replying_to_the_bot_gets_every_face_numbered(
    telegram: RunningBot,
) -> None:
    update = telegram.fake.photo_update(
        ALICE, GROUP_JPEG.read_bytes(), GROUP, reply_to=bot_message_in_group()
    )
    (answer,) = await telegram.push_and_wait(update)
    assert answer.chat_id == GROUP["id"]
    assert answer.text.startswith("I found 3 faces (numbered left to right):")
    assert [line[:3] for line in answer.text.splitlines()[1::2]] == ["1. ", "2. ", "3. "]
    assert answer.reply_to == update["message"]["message_id"]


async def test_a_group_photo_whose_caption_mentions_the_bot_is_answered(
    telegram: RunningBot,
) -> None:
    update = telegram.fake.photo_update(
        ALICE, FACE_JPEG.read_bytes(), GROUP, caption="how do I look, @FerBot_Test_Bot?"
    )
    (answer,) = await telegram.push_and_wait(update)
    assert answer.text.startswith("I found one face:")


async def test_a_group_photo_not_meant_for_the_bot_is_neither_downloaded_nor_answered(
    telegram: RunningBot,
) -> None:
    update_id = telegram.fake.push(
        telegram.fake.photo_update(ALICE, FACE_JPEG.read_bytes(), GROUP, caption="@someone")
    )
    await telegram.fake.wait_for(lambda: telegram.fake.confirmed(update_id))
    await telegram.stop()  # waits for every handler still running
    assert telegram.fake.sent == [] and telegram.fake.downloads == []
    assert telegram.fake.calls_of("sendChatAction") == []


async def test_an_admin_turns_auto_analysis_on_and_then_every_photo_is_answered(
    telegram: RunningBot,
) -> None:
    telegram.fake.set_member_status(GROUP["id"], ALICE.id, "administrator")
    (switched,) = await telegram.push_and_wait(
        telegram.fake.command_update(ALICE, "/auto@ferbot_test_bot on", GROUP)
    )
    assert switched.text == "I'll read every photo in this group from now on."
    (answer,) = await telegram.push_and_wait(
        telegram.fake.photo_update(MINJI, FACE_JPEG.read_bytes(), GROUP)
    )
    assert answer.text.startswith("얼굴을 하나 찾았어요:")


async def test_the_groups_creator_counts_as_an_admin(telegram: RunningBot) -> None:
    telegram.fake.set_member_status(GROUP["id"], ALICE.id, "creator")
    (switched,) = await telegram.push_and_wait(
        telegram.fake.command_update(ALICE, "/auto on", GROUP)
    )
    assert switched.text == "I'll read every photo in this group from now on."


async def test_a_member_who_is_not_an_admin_cannot_switch_auto_analysis(
    telegram: RunningBot,
) -> None:
    (refused,) = await telegram.push_and_wait(
        telegram.fake.command_update(MINJI, "/auto on", GROUP)
    )
    assert refused.text == "그룹 관리자만 바꿀 수 있어요."
    (asked,) = telegram.fake.calls_of("getChatMember")
    assert asked.params == {"chat_id": str(GROUP["id"]), "user_id": str(MINJI.id)}
