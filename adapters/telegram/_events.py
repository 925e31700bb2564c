"""What a Telegram update says in the bot core's terms: who sent it, where, and to whom."""

from telegram import Bot, Chat, Message, MessageEntity, Update, User
from telegram.constants import ChatType

from bot.events import ChatKind, Conversation, Sender

PLATFORM = "telegram"
_KINDS: dict[str, ChatKind] = {
    ChatType.PRIVATE: "private",
    ChatType.GROUP: "group",
    ChatType.SUPERGROUP: "group",
    ChatType.CHANNEL: "channel",
}


def sender_of(update: Update) -> Sender:
    """The person, or the chat itself for channel posts and anonymous group admins."""
    who = update.effective_sender
    if isinstance(who, User):
        return Sender(PLATFORM, str(who.id), who.full_name, who.language_code)
    if isinstance(who, Chat):
        return Sender(PLATFORM, str(who.id), who.effective_name or "")
    raise ValueError(f"update {update.update_id} has no sender")


def conversation_of(chat: Chat) -> Conversation:
    return Conversation(PLATFORM, str(chat.id), _KINDS.get(chat.type, "group"), _name(chat))


def is_addressed(message: Message, bot: Bot) -> bool:
    """A reply to one of the bot's messages, or a caption that mentions `@<bot username>`."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    mention = f"@{bot.username}".lower()
    mentions = message.parse_caption_entities([MessageEntity.MENTION]).values()
    return any(text.lower() == mention for text in mentions)


def command_of(message: Message) -> tuple[str, tuple[str, ...]]:
    """`/name@bot arg...` as its name (without the bot) and arguments."""
    first, *args = (message.text or "").split()
    return first.removeprefix("/").split("@")[0], tuple(args)


def _name(chat: Chat) -> str:
    return chat.effective_name or ""
