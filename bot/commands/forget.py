"""/forget: delete everything of a person, after they confirm with a button."""

from bot.context import BotContext
from bot.events import ButtonPress, Command, Sender
from bot.replies import Button, Reply
from bot.texts import Texts

PREFIX = "forget"


async def forget(ctx: BotContext, command: Command, texts: Texts) -> Reply:
    """Ask first: the buttons carry who asked, so nobody else can answer for them."""
    if command.chat.kind != "private":
        return Reply(texts("private_only"))
    owner = command.sender.user_id
    return Reply(
        texts("forget.ask"),
        buttons=(
            Button(texts("forget.yes"), f"{PREFIX}:yes:{owner}"),
            Button(texts("forget.no"), f"{PREFIX}:no:{owner}"),
        ),
    )


async def confirmed(ctx: BotContext, press: ButtonPress, texts: Texts) -> Reply:
    """The press on a /forget question. Button data comes back from the person's client,
    which may send anything: data not naming its presser as the owner deletes nothing."""
    _, answer, owner = [*press.data.split(":", 2), "", ""][:3]
    sender: Sender = press.sender
    if owner != sender.user_id:
        return Reply(texts("forget.not_yours"))
    if answer != "yes":
        return Reply(texts("forget.kept"))
    deleted = await ctx.store.forget_person(sender.platform, sender.user_id)
    return Reply(texts("forget.done", count=deleted))
