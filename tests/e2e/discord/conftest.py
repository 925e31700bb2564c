"""Discord's end-to-end fixtures; its `fake` is the fake Discord, not Telegram's Bot API."""

from tests.e2e.discord.fixtures import core, discord_bot, discord_bot_reading_content, fake

__all__ = ["core", "discord_bot", "discord_bot_reading_content", "fake"]
