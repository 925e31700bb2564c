"""Chats: each one's digest schedule, alert threshold and latest digest; digests paused and
resumed here, at once in this process's scheduler and, through the store, in any other."""

from dataclasses import replace

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.schedule import Schedule
from dashboard.audit import record_action
from dashboard.auth import form_action, page
from dashboard.rendering import render, texts_of
from dashboard.state import context_of
from storage import ChatListing, ScheduledChat

ACTIONS = {"pause": True, "resume": False}


@page
async def chats(request: Request) -> Response:
    return await _chat_list(request)


@form_action()
async def set_digests(request: Request, form: FormData) -> Response:
    """Pause or resume a chat's digests (its schedule is kept), and log who did it."""
    platform, chat_id, action = (form.get(name) for name in ("platform", "id", "action"))
    ctx = context_of(request)
    listing = None
    if isinstance(platform, str) and isinstance(chat_id, str) and action in ACTIONS:
        listing = await ctx.store.chat(platform, chat_id)
    if listing is None:
        return render(request, "message.html", status_code=404, key="not_found")
    settings = replace(listing.settings, digests_paused=ACTIONS[str(action)])
    await ctx.store.set_chat_settings(listing.chat, settings)
    ctx.digests.schedule(ScheduledChat(listing.chat, settings))
    record_action(request, f"{action} digests", f"{platform}:{chat_id}", "done")
    texts = texts_of(request)
    state = texts("chats.paused" if settings.digests_paused else "chats.running")
    name = listing.chat.title or listing.chat.chat_id
    return await _chat_list(request, texts("chats.changed", chat=name, state=state))


async def _chat_list(request: Request, message: str | None = None) -> Response:
    listed = await context_of(request).store.chats()
    return render(request, "chats.html", chats=listed, message=message, schedule=schedule_words)


def schedule_words(listing: ChatListing) -> str | None:
    """The schedule as admins type it ("daily 21:00") with its time zone; None without one."""
    cron = listing.settings.summary_cron
    if cron is None:
        return None
    return f"{Schedule(cron).describe()} ({listing.settings.timezone})"


ROUTES = [
    Route("/chats", chats, methods=["GET"]),
    Route("/chats/digests", set_digests, methods=["POST"]),
]
