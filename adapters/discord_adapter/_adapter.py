"""The Discord adapter as ferbot runs it: one client on the shared event loop."""

import logging

import discord
import yarl

from adapters.discord_adapter._client import FerbotClient
from adapters.discord_adapter._relay import Relay
from bot.core import Bot
from bot.settings import DiscordSettings

log = logging.getLogger(__name__)


class DiscordAdapter:
    """Serves the bot on Discord with the token from $DISCORD_TOKEN (never logged)."""

    name = "discord"

    def __init__(self, token: str, settings: DiscordSettings) -> None:
        self._token = token
        self._settings = settings

    async def run(self, bot: Bot) -> None:
        """Connect and serve, reconnecting or resuming whenever the gateway drops, until
        cancelled; then close the gateway and the HTTP session. A refused token or intent
        ends it with a log line that says what to change."""
        point_at(self._settings)
        async with FerbotClient(Relay(bot, self._settings), self._settings) as client:
            try:
                await client.start(self._token)
            except discord.LoginFailure:
                log.error("Discord refused the token: set a bot token in $DISCORD_TOKEN")
                raise
            except discord.PrivilegedIntentsRequired:
                log.error(
                    "Discord refused the Message Content intent: enable it for the bot in "
                    "the Developer Portal, or set discord.message_content = false"
                )
                raise


def point_at(settings: DiscordSettings) -> None:
    """Where discord.py finds the REST API and the gateway. It has no per-client setting for
    these, only these class attributes (read when each request or connection is made)."""
    discord.http.Route.BASE = settings.api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
