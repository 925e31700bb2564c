"""People: search by name or id; each person's history chart, their data as JSON, and
forgetting them (after a confirmation), exactly as /history, /forget and the export do."""

from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.commands.history import PERIODS, history_reply
from dashboard.audit import record_action
from dashboard.auth import form_action, page
from dashboard.rendering import png_data_url, render, texts_of
from dashboard.state import context_of
from storage import PersonListing

DEFAULT_PERIOD = "30d"


@page
async def people(request: Request) -> Response:
    """Everyone whose name contains the query (or whose id is it); everyone without one."""
    query = request.query_params.get("q", "").strip()
    found = await context_of(request).store.find_people(query)
    return render(request, "people.html", query=query, people=found)


@page
async def person(request: Request) -> Response:
    """One person: their choices, numbers and history over a period, with its chart."""
    listing = await _listed(request)
    if listing is None:
        return _gone(request)
    platform, user_id = listing.person.platform, listing.person.user_id
    ctx = context_of(request)
    period = request.query_params.get("period", DEFAULT_PERIOD)
    if period not in (*PERIODS, "all"):
        period = DEFAULT_PERIOD
    history = await history_reply(ctx, platform, user_id, period, texts_of(request))
    return render(
        request,
        "person.html",
        listing=listing,
        key=urlencode({"platform": platform, "id": user_id}),
        period=period,
        periods=(*PERIODS, "all"),
        retention_days=ctx.settings.storage.retention_days,
        history=history.text,
        chart=png_data_url(history.image) if history.image else None,
    )


@page
async def export(request: Request) -> Response:
    """Everything held about the person, as the JSON document the store writes."""
    platform, user_id = _who(request.query_params)
    document = await context_of(request).store.export_person(platform, user_id)
    if document is None:
        return _gone(request)
    filename = f"ferbot-{platform}-{user_id}.json"
    return Response(
        document,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{_safe(filename)}"'},
    )


@page
async def confirm_forget(request: Request) -> Response:
    """Ask first, saying how much will go."""
    listing = await _listed(request)
    return render(request, "forget.html", listing=listing) if listing else _gone(request)


@form_action()
async def forget(request: Request, form: FormData) -> Response:
    """Delete the person and every analysis of theirs, and log who did it."""
    platform, user_id = _who(form)
    ctx = context_of(request)
    listing = await ctx.store.person(platform, user_id)
    deleted = await ctx.store.forget_person(platform, user_id)
    record_action(request, "forget", f"{platform}:{user_id}", f"{deleted} analyses deleted")
    name = listing.person.display_name or user_id if listing else user_id
    message = texts_of(request)("forget.done", name=name, count=deleted)
    found = await ctx.store.find_people()
    return render(request, "people.html", query="", people=found, message=message)


async def _listed(request: Request) -> PersonListing | None:
    """The person the page's address names, as the store lists them."""
    platform, user_id = _who(request.query_params)
    return await context_of(request).store.person(platform, user_id)


def _gone(request: Request) -> Response:
    """The answer about a person of whom the store holds nothing (any more)."""
    return render(request, "message.html", status_code=404, key="forget.gone")


def _who(values: ImmutableMultiDict[str, Any]) -> tuple[str, str]:
    """The person a page or form names: `platform` and `id`."""
    platform, user_id = values.get("platform"), values.get("id")
    return (
        platform if isinstance(platform, str) else "",
        user_id if isinstance(user_id, str) else "",
    )


def _safe(filename: str) -> str:
    """A file name any browser takes in a header: ids come from strangers' platforms."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in filename)


ROUTES = [
    Route("/people", people, methods=["GET"]),
    Route("/person", person, methods=["GET"]),
    Route("/person/export", export, methods=["GET"]),
    Route("/person/forget", confirm_forget, methods=["GET"]),
    Route("/person/forget", forget, methods=["POST"]),
]
