"""Plain text made safe for Discord and cut to its limits without breaking an escape."""

import discord


def escaped(text: str) -> str:
    """`text` shown as typed: markdown characters escaped, @everyone and <@id> defused.

    AllowedMentions.none() already stops pings; this also keeps a display name such as
    "**Bob** <@123>" from rendering as bold text or a mention.
    """
    return discord.utils.escape_markdown(discord.utils.escape_mentions(text))


def size(text: str) -> int:
    """Length as Discord counts it for its limits (UTF-16 code units: an emoji may be two),
    never less than Python's length, so whatever fits by this measure fits Discord."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> tuple[str, str]:
    """The longest head of `text` within `limit` and the rest, never splitting an escape."""
    used = 0
    for index, character in enumerate(text):
        used += size(character)
        if used > limit:
            head = text[:index]
            backslashes = len(head) - len(head.rstrip("\\"))
            if backslashes % 2:  # the head would end by escaping the rest's first character
                head = head[:-1]
            return head, text[len(head) :]
    return text, ""


def shortened(text: str, limit: int) -> str:
    """`text` within `limit`, ending in an ellipsis where something had to go."""
    head, rest = cut(text, limit)
    if not rest:
        return head
    head, _ = cut(text, limit - 1)
    return head + "…"


def pieces(text: str, limit: int) -> list[str]:
    """`text` in messages of at most `limit`, cut between lines where a line allows it."""
    messages: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if size(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        current = line
        while size(current) > limit:
            head, current = cut(current, limit)
            messages.append(head)
    if current or not messages:
        messages.append(current)
    return messages
