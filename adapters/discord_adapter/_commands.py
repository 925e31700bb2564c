"""The slash commands: each names the core command it stands for and hands over at once.

Commands are the bot's way in without the privileged Message Content intent: /analyze takes
a picture as an option, everything else is the core's commands. Their bodies do nothing
but relay, so what a command does lives in one place, `bot/commands/`; the choices offered
come from the core's own tables, and the descriptions from its texts (`menu.<command>` and
`option.<name>`), every language beside the English; Discord shows each person theirs.
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
from bot.texts import DEFAULT_LANGUAGE, LANGUAGES, MESSAGES

T = TypeVar("T")


def said(key: str) -> app_commands.locale_str:
    """The text `key` of bot/texts.py, in the default language with the others beside it."""
    others = {language: MESSAGES[language][key] for language in LANGUAGES}
    return app_commands.locale_str(others.pop(DEFAULT_LANGUAGE), **others)


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

    @tree.command(description=said("menu.analyze"))
    @app_commands.describe(photo=said("option.photo"))
    async def analyze(interaction: discord.Interaction, photo: discord.Attachment) -> None:
        await relay.analyze(interaction, photo)

    @tree.command(name="help", description=said("menu.help"))
    async def help_(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "help", personal=True)

    @tree.command(description=said("menu.privacy"))
    async def privacy(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "privacy", personal=True)

    @tree.command(description=said("menu.history"))
    @app_commands.describe(period=said("option.period"))
    @app_commands.choices(period=offered([*history_command.PERIODS, "all"]))
    async def history(interaction: discord.Interaction, period: str = "7d") -> None:
        await relay.command(interaction, "history", (period,), personal=True)

    @tree.command(description=said("menu.forget"))
    async def forget(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "forget", personal=True)

    @tree.command(description=said("menu.lang"))
    @app_commands.describe(language=said("option.language"))
    @app_commands.choices(language=offered(LANGUAGES))
    async def lang(interaction: discord.Interaction, language: str) -> None:
        await relay.command(interaction, "lang", (language,), personal=True)

    @tree.command(description=said("menu.optout"))
    @app_commands.describe(choice=said("option.optout"))
    @app_commands.choices(choice=offered(optout_command.CHOICES))
    async def optout(interaction: discord.Interaction, choice: str) -> None:
        await relay.command(interaction, "optout", (choice,), personal=True)

    @tree.command(description=said("menu.stats"))
    async def stats(interaction: discord.Interaction) -> None:
        await relay.command(interaction, "stats", personal=True)


def add_channel_commands(tree: app_commands.CommandTree, relay: Relay) -> None:
    """A channel's settings and digests, for its moderators; the answers are for everyone."""

    @tree.command(description=said("menu.auto"))
    @moderators
    @app_commands.describe(mode=said("option.auto"))
    @app_commands.choices(mode=offered(auto_command.CHOICES))
    async def auto(interaction: discord.Interaction, mode: str) -> None:
        await relay.command(interaction, "auto", (mode,))

    @tree.command(description=said("menu.summary"))
    @moderators
    @app_commands.describe(window=said("option.window"))
    @app_commands.choices(window=offered(summary_command.WINDOWS))
    async def summary(interaction: discord.Interaction, window: str = "7d") -> None:
        await relay.command(interaction, "summary", (window,))

    @tree.command(description=said("menu.summary_schedule"))
    @moderators
    @app_commands.describe(schedule=said("option.schedule"))
    async def summary_schedule(interaction: discord.Interaction, schedule: str) -> None:
        await relay.command(interaction, "summary_schedule", tuple(schedule.split()))

    @tree.command(description=said("menu.summary_tz"))
    @moderators
    @app_commands.describe(zone=said("option.zone"))
    async def summary_tz(interaction: discord.Interaction, zone: str) -> None:
        await relay.command(interaction, "summary_tz", (zone,))

    @tree.command(description=said("menu.summary_alert"))
    @moderators
    @app_commands.describe(level=said("option.level"))
    async def summary_alert(interaction: discord.Interaction, level: str) -> None:
        await relay.command(interaction, "summary_alert", (level,))
