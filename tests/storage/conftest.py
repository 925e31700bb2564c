"""The store suite runs against both databases: a SQLite file and PostgreSQL.

PostgreSQL is the server at $FERBOT_TEST_POSTGRES_URL (default: 127.0.0.1:5432, database
`test`, user postgres). A test session creates its own databases there, named with a random
token, and drops them: one at the latest schema that is emptied before every test, and a
fresh empty one for each test of migrations. Without a reachable server the PostgreSQL half
is skipped, except under CI ($CI set), where it fails.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from storage import StorageSettings, Store
from storage.engine import Database
from storage.migrate import upgrade
from storage.models import Base

ADMIN_URL = os.environ.get(
    "FERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
_RUN = uuid.uuid4().hex[:8]


def _url_of(database: str) -> str:
    return make_url(ADMIN_URL).set(database=database).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin_connection() -> asyncpg.Connection:
    """A connection to the server's admin database; skips (fails under CI) without one."""
    try:
        return await asyncpg.connect(_asyncpg_dsn(ADMIN_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        reason = f"PostgreSQL at {make_url(ADMIN_URL).render_as_string()} unreachable ({exc})"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must test PostgreSQL")
        pytest.skip(reason)


async def _drop(names: list[str]) -> None:
    admin = await asyncpg.connect(_asyncpg_dsn(ADMIN_URL), timeout=5)
    for name in names:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[list[str]]:
    """The names of the PostgreSQL databases this session created, dropped at its end."""
    created: list[str] = []
    yield created
    if created:
        asyncio.run(_drop(created))


async def _create_postgres_database(created: list[str], name: str) -> str:
    admin = await _admin_connection()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    created.append(name)
    return _url_of(name)


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_databases: list[str]
) -> str:
    """A database of each kind without a single table."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    name = f"ferbot_test_{_RUN}_{len(postgres_databases)}"
    return await _create_postgres_database(postgres_databases, name)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_databases: list[str]
) -> str:
    """A database of each kind at the latest schema, holding no rows."""
    return await latest_database_url(request.param, tmp_path, postgres_databases)


async def latest_database_url(
    kind: str, tmp_path: Path, created: list[str], label: str = "latest"
) -> str:
    """A `kind` database at the latest schema, holding no rows. Other suites name their own
    `label`: each conftest that uses `postgres_databases` holds its own list of what it made."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}"
    else:
        # Creating a PostgreSQL database takes a quarter of a second, emptying one a hundredth:
        # the session shares one and empties it for each test.
        name = f"ferbot_test_{_RUN}_{label}"
        if name in created:
            return await _empty(_url_of(name))
        url = await _create_postgres_database(created, name)
    database = Database(StorageSettings(url=url))
    await upgrade(database)
    await database.close()
    return url


async def _empty(url: str) -> str:
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY")
    await connection.close()
    return url


@pytest.fixture
def storage_settings(database_url: str) -> StorageSettings:
    return StorageSettings(url=database_url)


@pytest.fixture
async def store(storage_settings: StorageSettings) -> AsyncIterator[Store]:
    """A store on an empty database at the latest schema."""
    async with await Store.open(storage_settings) as opened:
        yield opened
