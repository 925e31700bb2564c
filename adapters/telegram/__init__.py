"""The Telegram adapter: python-telegram-bot's Application in front of the bot core.

Every command reads the settings; only `ferbot run` needs the adapter, so it (and
python-telegram-bot with it) is imported on first use and `ferbot db` starts fast.
"""

from typing import TYPE_CHECKING

from adapters.telegram._settings import TelegramSettings

if TYPE_CHECKING:
    from adapters.telegram._adapter import PLATFORM, WEBHOOK_SECRET, TelegramAdapter

__all__ = ["PLATFORM", "WEBHOOK_SECRET", "TelegramAdapter", "TelegramSettings"]


def __getattr__(name: str) -> object:
    if name in {"PLATFORM", "WEBHOOK_SECRET", "TelegramAdapter"}:
        from adapters.telegram import _adapter

        return getattr(_adapter, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
