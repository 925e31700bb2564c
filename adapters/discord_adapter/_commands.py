"""The slash commands: each names the core command it stands for and hands over at once.

Commands are the bot's way in without the privileged Message Content intent: /analyze takes
a picture as an option, everything else is the core's commands. Their bodies do nothing
but relay, so what a command does lives in one place, `bot/commands/`. Descriptions carry
their Korean beside the English; Discord shows each person the one of their language.
"""

from typing import Literal

import discord
from discord import app_commands

from adapters.discord_adapter._relay import Relay


def said(english: str, korean: str) -> app_commands.locale_str:
    return app_commands.locale_str(english, ko=korean)


class Translations(app_commands.Translator):
    """Reads the translations written beside each text (keyword = Discord locale)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        return string.extras.get(locale.value)


def add_commands(tree: app_commands.CommandTree, relay: Relay) -> None:
    """Put the slash commands on `tree`; it is synced when the client starts."""

    @tree.command(
        description=said(
            "Read the emotion of every face in a picture", "사진 속 모든 얼굴의 감정을 읽어요"
        )
    )
    @app_commands.describe(
        photo=said(
            "A picture with faces: JPEG, PNG, WebP, BMP or GIF",
            "얼굴이 있는 사진: JPEG, PNG, WebP, BMP, GIF",
        )
    )
    async def analyze(interaction: discord.Interaction, photo: discord.Attachment) -> None:
        await relay.analyze(interaction, photo)

    @tree.command(name="help", description=said("What I can do", "제가 할 수 있는 일"))
    async def help_(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "help", personal=True)

    @tree.command(description=said("What I keep about you, and why", "무엇을 왜 저장하는지"))
    async def privacy(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "privacy", personal=True)

    @tree.command(
        description=said(
            "Your moods over a period (in a DM with me)", "기간별 기분 기록 (저와의 DM에서)"
        )
    )
    @app_commands.describe(
        period=said(
            "The last 7 days (default), 30 days, or all your history",
            "최근 7일(기본), 30일, 또는 전체 기간",
        )
    )
    async def history(
        interaction: discord.Interaction, period: Literal["7d", "30d", "all"] = "7d"
    ) -> None:
        await relay.command(interaction, "history", (period,), personal=True)

    @tree.command(
        description=said(
            "Delete everything I know about you; I ask first (in a DM)",
            "저에게 있는 내 기록을 모두 삭제해요. 먼저 물어봐요 (DM에서)",
        )
    )
    async def forget(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "forget", personal=True)

    @tree.command(description=said("Answer in Korean or English", "한국어 또는 영어로 답하기"))
    @app_commands.describe(language=said("ko: Korean, en: English", "ko: 한국어, en: 영어"))
    async def lang(interaction: discord.Interaction, language: Literal["ko", "en"]) -> None:
        await relay.command(interaction, "lang", (language,), personal=True)

    @tree.command(
        description=said(
            "Read every photo in this channel, or only those for me",
            "이 채널의 모든 사진을 읽을지, 저를 부른 사진만 읽을지",
        )
    )
    @app_commands.describe(
        mode=said(
            "on: every photo; off: photos that mention me",
            "on: 모든 사진, off: 저를 언급한 사진만",
        )
    )
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    async def auto(interaction: discord.Interaction, mode: Literal["on", "off"]) -> None:
        await relay.command(interaction, "auto", (mode,))

    @tree.command(description=said("This channel's mood (moderators)", "이 채널의 분위기 (관리자)"))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    async def summary(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "summary")

    @tree.command(
        description=said("The engine's load and latency (operators)", "엔진의 부하와 지연 (운영자)")
    )
    async def stats(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "stats", personal=True)
