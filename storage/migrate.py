"""Alembic, run from code: the schema is brought to a revision at start-up or by `ferbot db`."""

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from storage.engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"

# Bot processes started together must not migrate at once. SQLite's BEGIN IMMEDIATE already
# serialises them; on PostgreSQL they queue on this advisory lock (any constant will do).
_POSTGRES_MIGRATION_LOCK = 0x66657262


async def upgrade(database: Database, revision: str = "head") -> None:
    """Apply every migration up to `revision` that the database has not had yet."""
    async with database.writing() as connection:
        await connection.run_sync(_run, command.upgrade, revision)


async def downgrade(database: Database, revision: str) -> None:
    """Undo migrations down to `revision` ("base": an empty database)."""
    async with database.writing() as connection:
        await connection.run_sync(_run, command.downgrade, revision)


def head_revision() -> str:
    """The latest revision the migrations know."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


async def current_revision(database: Database) -> str | None:
    """The revision the database is at; None before the first migration."""
    async with database.reading() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def _run(connection: Connection, step: Callable[[Config, str], None], revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
        )
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    step(config, revision)
