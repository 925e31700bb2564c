"""The Discord adapter (discord.py): slash commands, photos in DMs and channels, embeds."""

from adapters.discord_adapter._adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
