"""Whether the sender of a command administers its chat, as Telegram says (getChatMember)."""

from telegram import Bot, Message
from telegram.constants import ChatMemberStatus, ChatType

_ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def sender_is_admin(message: Message, bot: Bot) -> bool:
    """Asked of Telegram for each group command, so a demoted admin loses the right at once."""
    chat = message.chat
    if chat.type == ChatType.PRIVATE:
        return False
    if chat.type == ChatType.CHANNEL:
        return True  # only a channel's admins can post in it
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin speaks as the group itself
    if message.from_user is None:
        return False
    member = await bot.get_chat_member(chat.id, message.from_user.id)
    return member.status in _ADMINS
