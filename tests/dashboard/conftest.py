"""A real dashboard app on the bundled engine and a real store (SQLite and PostgreSQL, through
the store suite's fixtures), reached through httpx's ASGI transport over "https"."""

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from starlette.applications import Starlette

from bot.core import Bot
from dashboard.app import create_app
from dashboard.settings import DashboardSettings
from fer_engine.pipeline import Pipeline
from ferbot.settings import Settings
from storage import StorageSettings, Store
from tests.bot.conftest import harness_for
from tests.storage.conftest import latest_database_url, postgres_databases  # noqa: F401

PASSWORD = "correct horse battery staple"
# Cheap parameters: verifying is fast in tests; production hashes use argon2's defaults.
PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    """The CSRF token a page's forms carry."""
    match = _CSRF.search(page.text)
    assert match, page.text[:500]
    return match[1]


@dataclass
class Site:
    """The app, a browser-like client with its cookies, and the store behind the app."""

    app: Starlette
    client: httpx.AsyncClient
    store: Store
    bot: Bot

    async def login(self, password: str = PASSWORD) -> httpx.Response:
        token = csrf_of(await self.client.get("/login"))
        return await self.client.post(
            "/login", data={"csrf_token": token, "password": password, "next": "/"}
        )

    async def submit(
        self, path: str, data: dict[str, str], files: dict[str, object] | None = None
    ) -> httpx.Response:
        """Post a form as the page would: with this session's CSRF token."""
        token = csrf_of(await self.client.get("/try"))
        return await self.client.post(path, data={"csrf_token": token, **data}, files=files)


async def site_for(
    pipeline: Pipeline, url: str, dashboard: DashboardSettings
) -> AsyncIterator[Site]:
    settings = Settings(storage=StorageSettings(url=url), dashboard=dashboard)
    async for harness in harness_for(pipeline, settings):
        app = create_app(harness.bot.context, dashboard, PASSWORD_HASH)
        transport = httpx.ASGITransport(app)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
            yield Site(app, client, harness.store, harness.bot)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    postgres_databases: list[str],  # noqa: F811
) -> str:
    """As the store suite's, in a PostgreSQL database of the dashboard's own."""
    return await latest_database_url(request.param, tmp_path, postgres_databases, "dashboard")


@pytest.fixture
async def site(bundled_pipeline: Pipeline, database_url: str) -> AsyncIterator[Site]:
    """The dashboard on an empty store, not logged in."""
    async for ready in site_for(bundled_pipeline, database_url, DashboardSettings()):
        yield ready


@pytest.fixture
async def operator(site: Site) -> Site:
    """The dashboard with the operator logged in."""
    assert (await site.login()).status_code == 303
    return site
