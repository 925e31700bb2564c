"""The slash commands: each names the core command it stands for and hands over at once.

Commands are the bot's way in without the privileged Message Content intent: /analyze takes
a picture as an option, everything else is the core's commands. Their bodies do nothing
but relay, so what a command does lives in one place, `bot/commands/`; the choices offered
come from the core's own tables. Descriptions carry their Korean beside the English; Discord
shows each person the one of their language.
"""

from collections.abc import Iterable
from typing import TypeVar

import discord
from discord import app_commands
from discord.app_commands import Choice

from adapters.discord_adapter._relay import Relay
from bot.commands import auto as auto_command
from bot.commands import history as history_command
from bot.commands import optout as optout_command
from bot.commands import summary as summary_command
from bot.texts import LANGUAGES

T = TypeVar("T")


def said(english: str, korean: str) -> app_commands.locale_str:
    return app_commands.locale_str(english, ko=korean)


def offered(values: Iterable[str]) -> list[Choice[str]]:
    return [Choice(name=value, value=value) for value in values]


class Translations(app_commands.Translator):
    """Reads the translations written beside each text (keyword = Discord locale)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        return string.extras.get(locale.value)


def moderators(handler: T) -> T:
    """Shown in guild channels, to members who may manage messages unless a server says
    otherwise; the core still checks (Manage Server or Manage Messages) itself."""
    return app_commands.default_permissions(manage_messages=True)(
        app_commands.guild_only()(handler)
    )


def add_commands(tree: app_commands.CommandTree, relay: Relay) -> None:
    """Put the slash commands on `tree`; it is synced when the client starts."""
    add_personal_commands(tree, relay)
    add_channel_commands(tree, relay)


def add_personal_commands(tree: app_commands.CommandTree, relay: Relay) -> None:
    """A person's own commands; in a guild channel only they see the answer."""

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
            "Your moods over a period, with a chart (in a DM with me)",
            "기간별 기분 기록과 차트 (저와의 DM에서)",
        )
    )
    @app_commands.describe(
        period=said("The last 7 days (default) and so on", "최근 7일(기본) 등 기간")
    )
    @app_commands.choices(period=offered([*history_command.PERIODS, "all"]))
    async def history(interaction: discord.Interaction, period: str = "7d") -> None:
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
    @app_commands.choices(language=offered(LANGUAGES))
    async def lang(interaction: discord.Interaction, language: str) -> None:
        await relay.command(interaction, "lang", (language,), personal=True)

    @tree.command(
        description=said(
            "Never be named in group digests (on), or again (off)",
            "그룹 요약에 내 이름이 나오지 않게(on), 다시 나오게(off)",
        )
    )
    @app_commands.describe(
        choice=said("on: leave me out; off: I may be named", "on: 빼기, off: 넣기")
    )
    @app_commands.choices(choice=offered(optout_command.CHOICES))
    async def optout(interaction: discord.Interaction, choice: str) -> None:
        await relay.command(interaction, "optout", (choice,), personal=True)

    @tree.command(
        description=said("The engine's load and latency (operators)", "엔진의 부하와 지연 (운영자)")
    )
    async def stats(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "stats", personal=True)


def add_channel_commands(tree: app_commands.CommandTree, relay: Relay) -> None:
    """A channel's settings and digests, for its moderators; the answers are for everyone."""

    @tree.command(
        description=said(
            "Read every photo in this channel, or only those for me",
            "이 채널의 모든 사진을 읽을지, 저를 부른 사진만 읽을지",
        )
    )
    @moderators
    @app_commands.describe(
        mode=said(
            "on: every photo; off: photos that mention me", "on: 모든 사진, off: 저를 부른 사진만"
        )
    )
    @app_commands.choices(mode=offered(auto_command.CHOICES))
    async def auto(interaction: discord.Interaction, mode: str) -> None:
        await relay.command(interaction, "auto", (mode,))

    @tree.command(description=said("This channel's mood, with a chart", "이 채널의 분위기와 차트"))
    @moderators
    @app_commands.describe(window=said("The last day, 7 days (default) or 30 days", "기간"))
    @app_commands.choices(window=offered(summary_command.WINDOWS))
    async def summary(interaction: discord.Interaction, window: str = "7d") -> None:
        await relay.command(interaction, "summary", (window,))

    @tree.command(
        description=said("Post this channel's digest on a schedule", "이 채널의 요약을 예약해요")
    )
    @moderators
    @app_commands.describe(
        schedule=said("daily 21:00, weekly mon 09:00, or off", "daily 21:00, weekly mon 09:00, off")
    )
    async def summary_schedule(interaction: discord.Interaction, schedule: str) -> None:
        await relay.command(interaction, "summary_schedule", tuple(schedule.split()))

    @tree.command(description=said("The time zone of the digest schedule", "요약 예약의 시간대"))
    @moderators
    @app_commands.describe(zone=said("A zone name, e.g. Asia/Seoul", "시간대 이름, 예: Asia/Seoul"))
    async def summary_tz(interaction: discord.Interaction, zone: str) -> None:
        await relay.command(interaction, "summary_tz", (zone,))

    @tree.command(
        description=said(
            "Warn when negative emotions pass a share", "부정적인 감정이 넘으면 알려 줄 비율"
        )
    )
    @moderators
    @app_commands.describe(level=said("e.g. 30%, or off", "예: 30%, 또는 off"))
    async def summary_alert(interaction: discord.Interaction, level: str) -> None:
        await relay.command(interaction, "summary_alert", (level,))
