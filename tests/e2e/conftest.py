"""End-to-end fixtures, one module per platform, so each platform's tests stand alone."""

from tests.e2e.discord_fixtures import discord_bot

__all__ = ["discord_bot"]
