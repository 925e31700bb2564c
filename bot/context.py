"""What every handler of the bot core may use: engine, store, settings, comments, limits."""

from dataclasses import dataclass, replace

from bot.comments import CommentPicker
from bot.events import Conversation, Sender
from bot.rate_limit import RateLimiter
from bot.recording import chat_ref, person_ref
from bot.scheduler import DigestScheduler
from bot.settings import CoreSettings
from bot.texts import Texts, language_of
from fer_engine.service import EngineService
from storage import ChatSettings, Store


@dataclass
class BotContext:
    """Shared by all conversations on all platforms of one process."""

    engine: EngineService
    store: Store
    settings: CoreSettings
    comments: CommentPicker
    photo_limits: RateLimiter
    digests: DigestScheduler

    async def texts_for(self, sender: Sender) -> Texts:
        """The sentences in the sender's language: their /lang choice, else their platform's."""
        preferences = await self.store.preferences(sender.platform, sender.user_id)
        return Texts(language_of(sender.language, preferences.language))

    async def change_preferences(self, sender: Sender, **changes: object) -> None:
        """Change some of a person's preferences, keeping the others."""
        preferences = await self.store.preferences(sender.platform, sender.user_id)
        await self.store.set_preferences(person_ref(sender), replace(preferences, **changes))

    async def change_chat_settings(self, chat: Conversation, **changes: object) -> ChatSettings:
        """Change some of a chat's settings, keeping the others; returns them all."""
        settings = await self.store.chat_settings(chat.platform, chat.chat_id)
        settings = replace(settings, **changes)
        await self.store.set_chat_settings(chat_ref(chat), settings)
        return settings

    def is_operator(self, sender: Sender) -> bool:
        return f"{sender.platform}:{sender.user_id}" in self.settings.bot.operators
