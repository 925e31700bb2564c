"""The `[telegram]` table of config.toml: how the Telegram adapter reaches its API."""

from typing import Literal

from pydantic import Field

from bot.settings import Section


class TelegramSettings(Section):
    """The Telegram adapter; its token comes only from $TELEGRAM_TOKEN."""

    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""  # public https URL Telegram posts to (webhook mode)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    max_download_mb: int = Field(20, ge=1)  # Telegram's own limit for bots
    concurrent_updates: int = Field(64, ge=1)
    # Telegram's limit for a bot's messages across all chats; raise it only for a local Bot
    # API server or a test fake.
    messages_per_s: float = Field(30.0, gt=0)
    # A 429 is waited out (retry_after, 1 s or more) and retried this often: 30 rides out a
    # flood of 30 s or more, where 5 gave up after 6-20 s and the answer was lost.
    retries_after_flood: int = Field(30, ge=0)
    network_retries: int = Field(5, ge=0)  # a 5xx or a cut connection: tried again this often
