"""The Discord adapter (discord.py): slash commands, photos in DMs and channels, embeds.

Every command reads the settings; only `ferbot run` needs the adapter, so it (and discord.py
with it) is imported on first use and `ferbot db` starts fast.
"""

from typing import TYPE_CHECKING

from adapters.discord_adapter._settings import DiscordSettings

if TYPE_CHECKING:
    from adapters.discord_adapter._adapter import DiscordAdapter

__all__ = ["DiscordAdapter", "DiscordSettings"]


def __getattr__(name: str) -> object:
    if name == "DiscordAdapter":
        from adapters.discord_adapter._adapter import DiscordAdapter

        return DiscordAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
