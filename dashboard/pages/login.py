"""Logging in and out: a password form, limited per client address, with a CSRF token."""

import math

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from dashboard.auth import client_address, form_action, operators_of
from dashboard.rendering import render, texts_of


async def login_page(request: Request) -> Response:
    """The login form; a logged-in operator goes straight on."""
    if operators_of(request).operator_of(request) is not None:
        return RedirectResponse(_next(request.query_params.get("next")), status_code=303)
    return render(request, "login.html", next=_next(request.query_params.get("next")))


@form_action(public=True)
async def login(request: Request, form: FormData) -> Response:
    """Check the password (at most `login_attempts` tries per address per window)."""
    operators = operators_of(request)
    target = _next(_text(form, "next"))
    wait = operators.login_wait_s(client_address(request))
    if wait > 0:
        error = texts_of(request)("login.too_many", seconds=math.ceil(wait))
        return render(request, "login.html", status_code=429, next=target, error=error)
    if not await operators.password_matches(_text(form, "password")):
        error = texts_of(request)("login.wrong")
        return render(request, "login.html", status_code=401, next=target, error=error)
    operators.start_session(request.session)
    return RedirectResponse(target, status_code=303)


@form_action()
async def logout(request: Request, form: FormData) -> Response:
    operators_of(request).end_session(request.session)
    return RedirectResponse("/login", status_code=303)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _next(path: str | None) -> str:
    """Where to go after logging in: a path of this site only, never another site."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


ROUTES = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
]
