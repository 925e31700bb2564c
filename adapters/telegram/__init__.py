"""The Telegram adapter: python-telegram-bot's Application in front of the bot core."""

from adapters.telegram._adapter import PLATFORM, WEBHOOK_SECRET, TelegramAdapter

__all__ = ["PLATFORM", "WEBHOOK_SECRET", "TelegramAdapter"]
