"""Messages the bot sends on its own (scheduled digests), routed to the platform's adapter."""

import logging
from collections.abc import Awaitable, Callable

from bot.replies import Reply

log = logging.getLogger(__name__)

Send = Callable[[str, Reply], Awaitable[None]]


class Outbox:
    """Each running adapter registers how it sends a reply to one of its chats."""

    def __init__(self) -> None:
        self._senders: dict[str, Send] = {}

    def register(self, platform: str, send: Send) -> None:
        self._senders[platform] = send

    async def send(self, platform: str, chat_id: str, reply: Reply) -> bool:
        """Send `reply` to a chat; False if that platform is not running in this process."""
        send = self._senders.get(platform)
        if send is None:
            log.warning(
                "no %s adapter running; a message to chat %s was not sent", platform, chat_id
            )
            return False
        await send(chat_id, reply)
        return True
