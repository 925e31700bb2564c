"""The Discord adapter as ferbot runs it: one client on the shared event loop."""

import asyncio
import logging

import discord
import yarl

from adapters.discord_adapter._catch_up import CatchUp
from adapters.discord_adapter._client import FerbotClient
from adapters.discord_adapter._outgoing import post
from adapters.discord_adapter._relay import Relay
from adapters.discord_adapter._settings import DiscordSettings
from bot.core import Bot
from bot.replies import Reply

log = logging.getLogger(__name__)


class DiscordAdapter:
    """Serves the bot on Discord with the token from $DISCORD_TOKEN (never logged)."""

    name = "discord"

    def __init__(self, token: str, settings: DiscordSettings) -> None:
        self._token = token
        self._settings = settings
        self._client: FerbotClient | None = None
        self._logged_in = asyncio.Event()
        self.ready = asyncio.Event()  # set once a session is up and has caught up on history
        self._stopped = asyncio.Event()

    async def run(self, bot: Bot) -> None:
        """Connect and serve, reconnecting or resuming whenever the gateway drops, until
        cancelled; then close the gateway and the HTTP session. A refused token or intent
        ends it with a log line that says what to change."""
        point_at(self._settings)
        relay = Relay(bot, self._settings)
        catch_up = CatchUp(
            bot, relay, self._settings.catch_up_minutes, self._settings.network_retries
        )
        client = FerbotClient(relay, catch_up, self._settings, self._logged_in, self.ready)
        self._client = client
        try:
            async with client:
                await client.start(self._token)
        except discord.LoginFailure:
            log.error("Discord refused the token: set a bot token in $DISCORD_TOKEN")
            raise
        except discord.PrivilegedIntentsRequired:
            log.error(
                "Discord refused the Message Content intent: enable it for the bot in the "
                "Developer Portal, or set discord.message_content = false"
            )
            raise
        finally:
            self._logged_in.clear()
            self.ready.clear()
            self._stopped.set()

    async def send(self, chat_id: str, reply: Reply) -> None:
        """What the bot says on its own (a digest) to a channel, by id. It waits until the
        client has logged in (a digest caught up at start-up comes first); a message Discord
        refuses, or one the adapter stopped before sending, is logged and dropped, so one
        deleted channel never stops the others' digests."""
        if not await self._until_logged_in():
            log.warning("discord stopped: a message to channel %s was not sent", chat_id)
            return
        assert self._client is not None
        try:
            channel = self._client.get_partial_messageable(int(chat_id))
            await post(channel, reply, retries=self._settings.network_retries)
        except discord.HTTPException as exc:
            log.warning(
                "discord refused a message to channel %s: %s %s", chat_id, exc.status, exc.text
            )

    async def _until_logged_in(self) -> bool:
        waits = {
            asyncio.ensure_future(self._logged_in.wait()),
            asyncio.ensure_future(self._stopped.wait()),
        }
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return self._logged_in.is_set()


def point_at(settings: DiscordSettings) -> None:
    """Where discord.py finds the REST API and the gateway. It has no per-client setting for
    these, only these class attributes (read when each request or connection is made)."""
    discord.http.Route.BASE = settings.api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
