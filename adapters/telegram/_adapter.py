"""The adapter ferbot runs: one python-telegram-bot Application on ferbot's event loop,
receiving updates by long polling or by webhook until cancelled."""

import asyncio
import logging
import re
from urllib.parse import urlsplit

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ExtBot, Updater

from adapters.telegram._aiohttp_request import AiohttpRequest
from adapters.telegram._events import PLATFORM
from adapters.telegram._handlers import ALLOWED_UPDATES, Handlers
from adapters.telegram._polling import AnsweredPolling
from adapters.telegram._sending import send
from adapters.telegram._settings import TelegramSettings
from bot.commands import menu
from bot.core import Bot
from bot.replies import Reply
from bot.settings import SettingsError
from bot.texts import DEFAULT_LANGUAGE, LANGUAGES, Texts

log = logging.getLogger(__name__)
WEBHOOK_SECRET = "TELEGRAM_WEBHOOK_SECRET"
# What Telegram accepts as a webhook's secret token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# PTB logs "Set Bot API URL: .../bot<token>" at DEBUG; its INFO lines hold no token.
_TOKEN_BEARING_LOGGER = "telegram"
# How long a message the bot sends on its own waits for the adapter to start.
_READY_WAIT_S = 60.0


class TelegramAdapter:
    """Serves one bot token. The token comes from the environment and no log line holds it."""

    name = PLATFORM

    def __init__(
        self, token: str, settings: TelegramSettings, *, webhook_secret: str | None = None
    ) -> None:
        if settings.mode == "webhook":
            _check_webhook(settings, webhook_secret)
        self._token = token
        self._settings = settings
        self._webhook_secret = webhook_secret
        self.ready = asyncio.Event()  # set while updates are being received
        self._sender: ExtBot | None = None  # the running Application's bot, for send()
        quieted = logging.getLogger(_TOKEN_BEARING_LOGGER)
        quieted.setLevel(max(logging.INFO, quieted.getEffectiveLevel()))

    async def run(self, bot: Bot) -> None:
        """Receive and answer updates until cancelled; then stop receiving, let the answers
        in progress finish, and close the connections."""
        application = self._application()
        Handlers(bot, self._settings.max_download_mb).register(application)
        async with application:
            updater = application.updater
            assert updater is not None  # the builder always makes one
            try:
                polling = await self._start_receiving(application, updater)
                await application.start()
                await _set_menu(application)
                self._sender = application.bot
                self.ready.set()
                if polling is not None:
                    await polling.run()  # until cancelled
                else:
                    await asyncio.Future()  # until cancelled
            finally:
                self.ready.clear()
                self._sender = None
                try:
                    if updater.running:
                        await updater.stop()
                finally:
                    if application.running:
                        await application.stop()

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Post what the bot says on its own (a scheduled digest) into one of its chats,
        waiting for the adapter to be up: a digest caught up at start-up comes first."""
        try:
            async with asyncio.timeout(_READY_WAIT_S):
                await self.ready.wait()
        except TimeoutError:
            raise RuntimeError("the Telegram adapter is not running; nothing can be sent") from None
        assert self._sender is not None  # set together with `ready`
        await send(self._sender, int(chat_id), reply, reply_to=None, thread_id=None)

    def _application(self) -> Application:
        settings = self._settings
        limiter = AIORateLimiter(
            overall_max_rate=settings.messages_per_s, max_retries=settings.retries_after_flood
        )
        return (
            ApplicationBuilder()
            .token(self._token)
            .base_url(settings.api_url)
            .base_file_url(settings.file_url)
            .request(AiohttpRequest(settings.concurrent_updates * 2, settings.network_retries))
            .get_updates_request(AiohttpRequest(1, settings.network_retries))
            .rate_limiter(limiter)
            .concurrent_updates(settings.concurrent_updates)
            .build()
        )

    async def _start_receiving(
        self, application: Application, updater: Updater
    ) -> AnsweredPolling | None:
        """Long polling (ours, which confirms only answered updates: `_polling` says why),
        or PTB's webhook server."""
        settings = self._settings
        if settings.mode == "polling":
            polling = AnsweredPolling(application, ALLOWED_UPDATES)
            await polling.start()
            return polling
        await updater.start_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path,
            webhook_url=settings.webhook_url,
            secret_token=self._webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
        )
        return None


async def _set_menu(application: Application) -> None:
    """The command menu in each language the bot speaks; without it the bot still works."""
    try:
        for language in LANGUAGES:
            commands = [BotCommand(name, text) for name, text in menu(Texts(language))]
            code = None if language == DEFAULT_LANGUAGE else language
            await application.bot.set_my_commands(commands, language_code=code)
    except TelegramError as exc:
        log.warning("could not set the command menu: %s", exc)


def _check_webhook(settings: TelegramSettings, secret: str | None) -> None:
    if not settings.webhook_url.startswith("https://"):
        raise SettingsError(
            "telegram.mode is webhook: set telegram.webhook_url to the public https URL"
        )
    if secret is None or not _SECRET.fullmatch(secret):
        raise SettingsError(
            f"telegram.mode is webhook: set ${WEBHOOK_SECRET} to 1-256 letters, digits, _ or -"
        )
