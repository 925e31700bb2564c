"""The slash commands: each names the core command it stands for and hands over at once.

Commands are the bot's way in without the privileged Message Content intent: /analyze takes
a picture as an option, everything else is the core's commands. Their bodies do nothing
but relay, so what a command does lives in one place, `bot/commands/`.
"""

from typing import Literal

import discord
from discord import app_commands

from adapters.discord_adapter._relay import Relay


def add_commands(tree: app_commands.CommandTree, relay: Relay) -> None:
    """Put the slash commands on `tree`; it is synced when the client starts."""

    @tree.command(description="Read the emotion of every face in a picture")
    @app_commands.describe(photo="A picture with faces: JPEG, PNG, WebP, BMP or GIF")
    async def analyze(interaction: discord.Interaction, photo: discord.Attachment) -> None:
        await relay.analyze(interaction, photo)

    @tree.command(name="help", description="What I can do")
    async def help_(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "help", personal=True)

    @tree.command(description="What I keep about you, and why")
    async def privacy(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "privacy", personal=True)

    @tree.command(description="Your moods over a period (in a DM with me)")
    @app_commands.describe(period="The last 7 days (default), 30 days, or all your history")
    async def history(
        interaction: discord.Interaction, period: Literal["7d", "30d", "all"] = "7d"
    ) -> None:
        await relay.command(interaction, "history", (period,), personal=True)

    @tree.command(description="Delete everything I know about you; I ask first (in a DM)")
    async def forget(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "forget", personal=True)

    @tree.command(description="Answer in Korean or English")
    @app_commands.describe(language="ko: Korean, en: English")
    async def lang(interaction: discord.Interaction, language: Literal["ko", "en"]) -> None:
        await relay.command(interaction, "lang", (language,), personal=True)

    @tree.command(description="Read every photo in this channel, or only those for me")
    @app_commands.describe(mode="on: every photo; off: photos that mention me")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    async def auto(interaction: discord.Interaction, mode: Literal["on", "off"]) -> None:
        await relay.command(interaction, "auto", (mode,))

    @tree.command(description="This channel's mood (moderators)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    async def summary(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "summary")

    @tree.command(description="The engine's load and latency (operators)")
    async def stats(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "stats", personal=True)
