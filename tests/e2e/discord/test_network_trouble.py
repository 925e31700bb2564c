"""Discord failing under the bot: a reply whose connection is cut, a CDN answering 500."""

from bot.texts import Texts
from tests.e2e.discord.fixtures import ALICE, ALICE_DM, RunningDiscord
from tests.fakes.faults import Faults
from tests.images import FACE_JPEG

MESSAGES = rf"/channels/{ALICE_DM}/messages"


async def answers(discord_bot: RunningDiscord) -> list[dict]:
    fake = discord_bot.fake
    await discord_bot.until(lambda: fake.requests("POST", MESSAGES))
    return [call.body for call in fake.requests("POST", MESSAGES)]


async def test_a_reply_whose_connection_is_cut_is_posted_again(
    discord_bot: RunningDiscord,
) -> None:
    discord_bot.fake.break_next("POST", MESSAGES, kind="drop")
    await discord_bot.send_photo(ALICE, ALICE_DM, discord_bot.fake.upload(FACE_JPEG.read_bytes()))
    (answer,) = await answers(discord_bot)
    assert answer["embeds"][0]["description"] == Texts("en")("face_found")


async def test_an_attachment_the_cdn_fails_once_is_downloaded_again_and_answered(
    discord_bot: RunningDiscord,
) -> None:
    fake = discord_bot.fake
    fake.cdn_faults = Faults(error_share=1.0, budget=1)
    await discord_bot.send_photo(ALICE, ALICE_DM, fake.upload(FACE_JPEG.read_bytes()))
    (answer,) = await answers(discord_bot)
    assert answer["embeds"][0]["description"] == Texts("en")("face_found")
    assert len(fake.cdn_requests) == 2
