"""Who may use the dashboard: one operator, a password hash from the environment, sessions
the server can end, a CSRF token per session and a limit on login attempts.

The session cookie is signed (Starlette's SessionMiddleware) and holds a random session id;
the server keeps the ids of live sessions, so logging out ends a session even if its cookie
was copied. Every page and form goes through `page` or `form_action` below, which send a
visitor without a live session to the login page and refuse a form without this session's
CSRF token.
"""

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.rate_limit import RateLimiter
from bot.settings import SettingsError
from dashboard.rendering import render

log = logging.getLogger(__name__)

PASSWORD_HASH_ENV = "DASHBOARD_PASSWORD_HASH"
SESSION_SECRET_ENV = "DASHBOARD_SESSION_SECRET"
CSRF_FIELD = "csrf_token"
# Form fields and their sizes: a photo goes in a file part, never in a field.
_MAX_FIELDS = 16
_MAX_FIELD_BYTES = 64 * 1024

Page = Callable[[Request], Awaitable[Response]]
FormHandler = Callable[[Request, FormData], Awaitable[Response]]


class DashboardError(SettingsError):
    """The dashboard cannot start; the message says which setting or variable to fix."""


def hash_password(password: str) -> str:
    """An argon2id hash of `password`, for $DASHBOARD_PASSWORD_HASH."""
    return PasswordHasher().hash(password)


def password_hash_from(environ: Mapping[str, str]) -> str:
    """The operator's password hash from the environment, checked to be an argon2 hash."""
    value = environ.get(PASSWORD_HASH_ENV, "")
    if not value:
        raise DashboardError(
            f"the dashboard needs ${PASSWORD_HASH_ENV}: an argon2 hash of the operator's "
            "password (make one with `ferbot dashboard --hash-password`)"
        )
    try:
        PasswordHasher().check_needs_rehash(value)
    except (InvalidHashError, ValueError) as exc:
        raise DashboardError(f"${PASSWORD_HASH_ENV} is not an argon2 hash") from exc
    return value


class Operators:
    """The operator's password, their live sessions and the login limit per client address."""

    def __init__(self, name: str, password_hash: str, logins: RateLimiter) -> None:
        self.name = name
        self._hash = password_hash
        self._hasher = PasswordHasher()
        self._logins = logins
        self._live: set[str] = set()

    def login_wait_s(self, client: str) -> float:
        """0 and the attempt is counted, or how long `client` must wait to try again."""
        return self._logins.wait_s(client)

    async def password_matches(self, password: str) -> bool:
        """Whether `password` is the operator's (argon2 takes tens of milliseconds: off the
        event loop)."""
        try:
            return await asyncio.to_thread(self._hasher.verify, self._hash, password)
        except VerificationError:
            return False

    def start_session(self, session: dict[str, Any]) -> None:
        """A fresh session, id and CSRF token for the operator (nothing of the login page's
        session survives it)."""
        session.clear()
        session_id = secrets.token_urlsafe(32)
        self._live.add(session_id)
        session.update(sid=session_id, operator=self.name, csrf=secrets.token_urlsafe(32))

    def end_session(self, session: dict[str, Any]) -> None:
        self._live.discard(session.get("sid", ""))
        session.clear()

    def operator_of(self, request: Request) -> str | None:
        """The operator a request comes from, or None without a live session."""
        session = request.session
        if session.get("sid") in self._live:
            return session.get("operator")
        return None


def operators_of(request: Request) -> Operators:
    operators: Operators = request.app.state.operators
    return operators


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def to_login(request: Request) -> RedirectResponse:
    """Off to the login page, which brings the operator back here (same site paths only)."""
    back = request.url.path if request.method == "GET" else "/"
    if request.url.query and request.method == "GET":
        back += f"?{request.url.query}"
    return RedirectResponse(f"/login?next={quote(back, safe='')}", status_code=303)


def page(handler: Page) -> Page:
    """A page for the logged-in operator only; everyone else goes to the login page."""

    async def endpoint(request: Request) -> Response:
        if operators_of(request).operator_of(request) is None:
            return to_login(request)
        return await handler(request)

    endpoint.__doc__ = handler.__doc__
    return endpoint


def form_action(*, public: bool = False) -> Callable[[FormHandler], Page]:
    """A form's target: for the logged-in operator only (unless `public`: the login form),
    and refused (403) unless the form carries this session's CSRF token."""

    def wrap(handler: FormHandler) -> Page:
        async def endpoint(request: Request) -> Response:
            if not public and operators_of(request).operator_of(request) is None:
                return to_login(request)
            async with request.form(
                max_files=1, max_fields=_MAX_FIELDS, max_part_size=_MAX_FIELD_BYTES
            ) as form:
                sent = form.get(CSRF_FIELD)
                expected = request.session.get("csrf")
                if not (isinstance(sent, str) and expected and hmac.compare_digest(sent, expected)):
                    log.warning(
                        "refused a %s to %s without this session's CSRF token, from %s",
                        request.method,
                        request.url.path,
                        client_address(request),
                    )
                    return render(request, "message.html", status_code=403, key="csrf.refused")
                return await handler(request, form)

        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap
