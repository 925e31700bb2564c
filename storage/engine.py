"""The database connection: one async engine, and the two kinds of transaction the store runs.

The store's code is the same on SQLite and PostgreSQL; what differs between them lives here.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from storage.settings import StorageSettings

# An execution option of the writing engine: its transactions begin IMMEDIATE on SQLite.
_WRITES = "ferbot_writes"

# ON CONFLICT clauses are spelled by the dialect's own insert; both share one interface.
Upsert = Callable[[Any], sqlite.Insert | postgresql.Insert]


class Database:
    """An async engine, with transactions for reading and for writing.

    SQLite: WAL (readers never wait for the writer), foreign keys enforced, and transactions
    begun by us: plain BEGIN for readers, so that every query of one summary sees the same
    snapshot, and BEGIN IMMEDIATE for writers, so that a writer takes the lock up front instead
    of failing when it upgrades a read. SQLite has one writer at a time, so this process's
    writers queue in turn on an asyncio lock (first come, first served, no polling); the busy
    timeout is only for writers in other processes.
    PostgreSQL: readers run REPEATABLE READ for the same one snapshot; connections are checked
    before use, as a server may restart under a long-running bot.
    """

    def __init__(self, settings: StorageSettings) -> None:
        url = make_url(settings.url)
        self.dialect = url.get_backend_name()
        self.engine: AsyncEngine = create_async_engine(
            url,
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_pre_ping=self.dialect == "postgresql",
        )
        self._write_turn: AbstractAsyncContextManager[Any]
        if self.dialect == "sqlite":
            _tune_sqlite(self.engine, settings)
            self._reader = self.engine
            self._write_turn = asyncio.Lock()
        else:
            self._reader = self.engine.execution_options(isolation_level="REPEATABLE READ")
            self._write_turn = nullcontext()
        self._writer = self.engine.execution_options(**{_WRITES: True})
        self.upsert: Upsert = sqlite.insert if self.dialect == "sqlite" else postgresql.insert

    def reading(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """A transaction that only reads and sees one snapshot."""
        return self._reader.begin()

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """A transaction that writes; committed when the block ends without an error."""
        async with self._write_turn, self._writer.begin() as connection:
            yield connection

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _tune_sqlite(engine: AsyncEngine, settings: StorageSettings) -> None:
    pragmas = (
        "PRAGMA journal_mode=WAL",
        "PRAGMA foreign_keys=ON",
        f"PRAGMA busy_timeout={settings.busy_timeout_ms}",
        f"PRAGMA synchronous={settings.sqlite_synchronous}",
    )

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver must not begin transactions on its own: on_begin below does.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(_WRITES, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
