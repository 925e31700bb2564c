"""End-to-end fixtures, one module per platform, so each platform's tests stand alone."""

from tests.e2e.discord_fixtures import core, discord_bot, discord_bot_reading_content, fake

__all__ = ["core", "discord_bot", "discord_bot_reading_content", "fake"]
