"""discord.py's client, wired to ferbot: slash commands, photo messages, button presses."""

import asyncio
import logging

import discord
from discord import app_commands

from adapters.discord_adapter._catch_up import CatchUp
from adapters.discord_adapter._commands import Translations, add_commands
from adapters.discord_adapter._relay import Relay
from adapters.discord_adapter._settings import DiscordSettings

log = logging.getLogger(__name__)


def intents(settings: DiscordSettings) -> discord.Intents:
    """Guilds (channels and names), guild and DM messages; Message Content only when
    configured, because it is privileged and needed only to see photos that do not
    mention the bot (/auto on)."""
    return discord.Intents(
        guilds=True,
        guild_messages=True,
        dm_messages=True,
        message_content=settings.message_content,
    )


class FerbotClient(discord.Client):
    """One connection to Discord; everything it receives goes through the relay, and what it
    missed while down comes from history through `catch_up`. `logged_in` is set once the REST
    API takes messages (for what the bot sends on its own); `ready` once a session is up and
    has caught up."""

    def __init__(
        self,
        relay: Relay,
        catch_up: CatchUp,
        settings: DiscordSettings,
        logged_in: asyncio.Event,
        ready: asyncio.Event,
    ) -> None:
        shards = (
            {"shard_id": settings.shard_id, "shard_count": settings.shard_count}
            if settings.shard_count
            else {}
        )
        super().__init__(
            intents=intents(settings), allowed_mentions=discord.AllowedMentions.none(), **shards
        )
        self.tree = app_commands.CommandTree(self)
        self._relay = relay
        self._catch_up = catch_up
        self._guild_ids = settings.guild_ids
        self._logged_in = logged_in
        self._caught_up = ready
        add_commands(self.tree, relay)

    async def setup_hook(self) -> None:
        """Right after logging in, before connecting: sync the slash commands, to the
        configured guilds where they show at once (and only there), else globally (every
        guild and DMs)."""
        await self.tree.set_translator(Translations())
        if not self._guild_ids:
            await self.tree.sync()
        for guild_id in self._guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        self._logged_in.set()

    async def on_ready(self) -> None:
        """A fresh session (not a resumed one, which replays what it missed): catch up on
        what Discord will never deliver again."""
        log.info("discord: connected as %s, in %d guilds", self.user, len(self.guilds))
        await self._catch_up.run(self)
        self._caught_up.set()

    async def on_message(self, message: discord.Message) -> None:
        if self.user is not None:
            await self._relay.message(message, self.user)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Slash commands reach the tree on their own; button presses arrive only here.
        if interaction.type is discord.InteractionType.component:
            await self._relay.press(interaction)
