"""How a reply reaches Telegram, for the kinds of reply no command makes yet: pictures,
long captions. The real PTB Bot sends to the fake over HTTP."""

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from adapters.telegram._sending import send
from bot.replies import Button, Reply
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import encode, noise

CHAT = 4242
PNG = encode(noise(3), "PNG")


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.api_url, base_file_url=fake.file_url) as ready:
        yield ready


async def test_a_reply_with_a_picture_goes_out_as_a_photo_with_the_text_as_caption(
    bot: Bot, fake: FakeTelegram
) -> None:
    reply = Reply("Mood of the week: <happy> & calm", image=PNG, buttons=(Button("More", "m"),))
    await send(bot, CHAT, reply, reply_to=None, thread_id=None)
    (sent,) = fake.sent
    assert sent.method == "sendphoto" and sent.photo == PNG
    assert sent.text == "Mood of the week: &lt;happy&gt; &amp; calm"
    assert sent.buttons == (("More", "m"),)


async def test_a_text_too_long_for_a_caption_follows_the_picture(
    bot: Bot, fake: FakeTelegram
) -> None:
    long_text = "word " * 300
    await send(bot, CHAT, Reply(long_text, image=PNG), reply_to=None, thread_id=None)
    picture, words = fake.sent
    assert (picture.method, picture.text) == ("sendphoto", "")
    assert (words.method, words.text) == ("sendmessage", long_text)


async def test_an_answer_quoting_a_deleted_message_is_still_sent(
    bot: Bot, fake: FakeTelegram
) -> None:
    await send(bot, CHAT, Reply("hello"), reply_to=77, thread_id=None)
    (call,) = fake.calls_of("sendMessage")
    assert call.params["reply_parameters"] == {
        "message_id": 77,
        "allow_sending_without_reply": True,
    }
