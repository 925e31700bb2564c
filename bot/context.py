"""What every handler of the bot core may use: engine, store, settings, comments, limits."""

from dataclasses import dataclass

from bot.comments import CommentPicker
from bot.events import Sender
from bot.rate_limit import RateLimiter
from bot.scheduler import DigestScheduler
from bot.settings import Settings
from bot.texts import Texts, language_of
from fer_engine import Engine
from storage import Store


@dataclass
class BotContext:
    """Shared by all conversations on all platforms of one process."""

    engine: Engine
    store: Store
    settings: Settings
    comments: CommentPicker
    photo_limits: RateLimiter
    digests: DigestScheduler

    async def texts_for(self, sender: Sender) -> Texts:
        """The sentences in the sender's language: their /lang choice, else their platform's."""
        preferences = await self.store.preferences(sender.platform, sender.user_id)
        return Texts(language_of(sender.language, preferences.language))

    def is_operator(self, sender: Sender) -> bool:
        return f"{sender.platform}:{sender.user_id}" in self.settings.bot.operators
