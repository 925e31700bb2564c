"""Webhook mode: Telegram posts updates to the bot, which checks the secret token."""

import socket
from pathlib import Path

import aiohttp
import pytest

from adapters.telegram import TelegramAdapter
from bot.settings import SettingsError
from fer_engine.pipeline import Pipeline
from tests.e2e.conftest import ALICE, running_bot, telegram_settings
from tests.fakes.fake_telegram import FakeTelegram
from tests.images import FACE_JPEG

SECRET = "webhook-secret_42"
PUBLIC_URL = "https://ferbot.example/telegram/hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def post(port: int, update: dict, secret: str) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/telegram/hook",
            json={"update_id": 1, **update},
            headers=headers,
        ) as response,
    ):
        return response.status


async def test_webhook_mode_answers_an_update_posted_with_the_secret_and_rejects_a_wrong_one(
    fake: FakeTelegram, bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    port = free_port()
    async with running_bot(
        fake,
        bundled_pipeline,
        tmp_path,
        webhook_secret=SECRET,
        mode="webhook",
        webhook_url=PUBLIC_URL,
        webhook_port=port,
    ) as telegram:
        assert fake.webhook is not None
        assert (fake.webhook["url"], fake.webhook["secret_token"]) == (PUBLIC_URL, SECRET)
        forged = fake.photo_update(ALICE, FACE_JPEG.read_bytes())
        assert await post(port, forged, "wrong-secret") == 403
        genuine = fake.photo_update(ALICE, FACE_JPEG.read_bytes())
        assert await post(port, genuine, SECRET) == 200
        await fake.wait_for(lambda: len(fake.sent) == 1)
        await telegram.stop()
    (answer,) = fake.sent
    assert answer.reply_to == genuine["message"]["message_id"]
    assert fake.calls_of("getUpdates") == []


def test_webhook_mode_without_a_secret_refuses_to_start(fake: FakeTelegram) -> None:
    settings = telegram_settings(fake, mode="webhook", webhook_url=PUBLIC_URL)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramAdapter(fake.token, settings)
