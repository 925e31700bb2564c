"""The dashboard as one Starlette app, on the running bot's engine, store and scheduler."""

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.templating import Jinja2Templates

from bot.context import BotContext
from bot.rate_limit import RateLimiter
from dashboard.auth import Operators
from dashboard.pages import chats, login, overview, people, try_it
from dashboard.records import mount_records
from dashboard.settings import DashboardSettings

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "ferbot_dashboard"


def create_app(
    context: BotContext,
    settings: DashboardSettings,
    password_hash: str,
    session_secret: str | None = None,
) -> Starlette:
    """The app for `context`'s bot. `password_hash` is the operator's argon2 hash;
    `session_secret` signs session cookies (a random one: sessions end when the process does)."""
    app = Starlette(
        routes=[
            *login.ROUTES,
            *overview.ROUTES,
            *people.ROUTES,
            *chats.ROUTES,
            *try_it.ROUTES,
        ],
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=session_secret or secrets.token_urlsafe(32),
                session_cookie=SESSION_COOKIE,
                max_age=round(settings.session_hours * 3600),
                same_site="strict",
                https_only=settings.secure_cookie,
            )
        ],
    )
    app.state.bot_context = context
    app.state.settings = settings
    app.state.operators = Operators(
        settings.operator,
        password_hash,
        RateLimiter(settings.login_attempts, settings.login_window_s),
    )
    app.state.templates = Jinja2Templates(directory=TEMPLATES)
    mount_records(app, context.store.sql_engine, app.state.operators)
    return app
