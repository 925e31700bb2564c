"""Store throughput and summary latency at 10k, 100k and 1M analyses, SQLite and PostgreSQL.

    python benchmarks/storage_bench.py                      # both databases, all three sizes
    python benchmarks/storage_bench.py --databases sqlite --sizes 10000

Each (database, size) gets a fresh database (SQLite: a file in a temporary folder;
PostgreSQL: a database created on --postgres-url's server and dropped afterwards) filled to
`size` analyses in batches, then ANALYZEd (and VACUUMed on PostgreSQL) as upkeep would. Then,
on that full table: inserts/s recording one analysis per transaction and 1,000 per
transaction, and the p50/p99 of `person_history(days=30)` for random people and
`chat_summary(days=7)` for random chats. Prints one markdown table.

The data: 2,000 people and 200 group chats whose activity follows Zipf's law (the busiest
sender has 1/8 of all photos, the busiest chat 1/6), photos spread evenly over the year before
`NOW`, one to three faces each with a caption.
"""

import argparse
import asyncio
import itertools
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from tqdm import tqdm

from fer_engine.stats import percentile
from storage import EMOTIONS, AnalysisRecord, ChatRef, FaceRecord, PersonRef, StorageSettings, Store
from storage.engine import Database

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
PEOPLE = 2000
CHATS = 200
SPAN = timedelta(days=365)
FILL_BATCH = 1000
ONE_BY_ONE = 1000
BATCHES = 10
# How often each dominant emotion turns up, in EMOTIONS order.
EMOTION_WEIGHTS = (5, 3, 2, 30, 12, 8, 40)


@dataclass(frozen=True)
class Row:
    database: str
    size: int
    one_by_one_per_s: float
    batched_per_s: float
    person_ms: tuple[float, float]
    chat_ms: tuple[float, float]


class Photos:
    """A reproducible stream of analysed photos with skewed senders and chats."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people = [PersonRef("bench", str(n), f"Person {n}", "en") for n in range(PEOPLE)]
        self.chats = [ChatRef("bench", f"-{n}", "group", f"Chat {n}") for n in range(CHATS)]
        self.person_weights = list(itertools.accumulate(1 / rank for rank in range(1, PEOPLE + 1)))
        self.chat_weights = list(itertools.accumulate(1 / rank for rank in range(1, CHATS + 1)))
        self.faces = {emotion: _face(emotion) for emotion in EMOTIONS}
        self.numbers = itertools.count()

    def batch(self, count: int, at: datetime | None = None) -> list[AnalysisRecord]:
        """`count` new photos, sent at `at` or at random moments of the year before NOW."""
        rng = self.rng
        senders = rng.choices(self.people, cum_weights=self.person_weights, k=count)
        chats = rng.choices(self.chats, cum_weights=self.chat_weights, k=count)
        emotions = rng.choices(EMOTIONS, weights=EMOTION_WEIGHTS, k=count)
        return [
            AnalysisRecord(
                person=sender,
                chat=chat,
                message_id=str(next(self.numbers)),
                at=at or NOW - SPAN * rng.random(),
                faces=(self.faces[emotion],) * rng.randint(1, 3),
                dominant_emotion=emotion,
                model_version="fusion-gated-1",
                latency_ms=rng.uniform(80, 400),
            )
            for sender, chat, emotion in zip(senders, chats, emotions, strict=True)
        ]


def _face(emotion: str) -> FaceRecord:
    rest = 0.4 / (len(EMOTIONS) - 1)
    probabilities = {name: 0.6 if name == emotion else rest for name in EMOTIONS}
    return FaceRecord(probabilities, f"a person who looks {emotion} in a crowded room")


async def fill(store: Store, photos: Photos, size: int, label: str) -> None:
    with tqdm(total=size, desc=label, unit="rows", file=sys.stderr, leave=False) as progress:
        for done in range(0, size, FILL_BATCH):
            count = min(FILL_BATCH, size - done)
            await store.record_many(photos.batch(count))
            progress.update(count)


async def settle(settings: StorageSettings) -> None:
    """Fresh planner statistics (and PostgreSQL's visibility map), as upkeep would leave them."""
    database = Database(settings)
    if database.dialect == "sqlite":
        async with database.writing() as connection:
            await connection.execute(text("ANALYZE"))
    else:
        async with database.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))
    await database.close()


async def timed(calls: Iterator[Awaitable[object]], count: int) -> list[float]:
    """Milliseconds each of `count` awaited calls took."""
    took = []
    for call in itertools.islice(calls, count):
        started = time.perf_counter()
        await call
        took.append((time.perf_counter() - started) * 1000)
    return took


async def measure(database: str, url: str, size: int, queries: int) -> Row:
    settings = StorageSettings(url=url)
    photos = Photos(seed=size)
    async with await Store.open(settings) as store:
        await fill(store, photos, size, f"{database} {size:,}")
    await settle(settings)
    async with await Store.open(settings) as store:
        started = time.perf_counter()
        for analysis in photos.batch(ONE_BY_ONE, at=NOW):
            await store.record(analysis)
        one_by_one = ONE_BY_ONE / (time.perf_counter() - started)
        batches = [photos.batch(FILL_BATCH, at=NOW) for _ in range(BATCHES)]
        started = time.perf_counter()
        for batch in batches:
            await store.record_many(batch)
        batched = BATCHES * FILL_BATCH / (time.perf_counter() - started)
        rng = random.Random(0)
        people = (
            store.person_history("bench", str(rng.randrange(PEOPLE)), days=30, now=NOW)
            for _ in itertools.count()
        )
        chats = (
            store.chat_summary("bench", f"-{rng.randrange(CHATS)}", days=7, now=NOW)
            for _ in itertools.count()
        )
        await timed(people, queries // 10)
        person_ms = await timed(people, queries)
        await timed(chats, queries // 10)
        chat_ms = await timed(chats, queries)
    return Row(
        database,
        size,
        one_by_one,
        batched,
        (percentile(person_ms, 0.5), percentile(person_ms, 0.99)),
        (percentile(chat_ms, 0.5), percentile(chat_ms, 0.99)),
    )


async def on_sqlite(size: int, queries: int) -> Row:
    with tempfile.TemporaryDirectory(prefix="ferbot-bench-") as folder:
        return await measure(
            "SQLite", f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", size, queries
        )


async def on_postgresql(admin_url: str, size: int, queries: int) -> Row:
    name = f"ferbot_bench_{uuid.uuid4().hex[:8]}"
    dsn = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    admin = await asyncpg.connect(dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        return await measure("PostgreSQL", url, size, queries)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def table(rows: list[Row]) -> str:
    lines = [
        "| database | analyses | inserts/s one by one | inserts/s batched (1,000) "
        "| person 30-day p50 ms | p99 ms | chat 7-day p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.database} | {row.size:,} | {row.one_by_one_per_s:,.0f} "
            f"| {row.batched_per_s:,.0f} | {row.person_ms[0]:.1f} | {row.person_ms[1]:.1f} "
            f"| {row.chat_ms[0]:.1f} | {row.chat_ms[1]:.1f} |"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=500, help="timed calls of each summary")
    parser.add_argument(
        "--postgres-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        help="a server and a database to connect to while creating the benchmark's own",
    )
    args = parser.parse_args()
    rows = []
    for database in args.databases:
        for size in args.sizes:
            if database == "sqlite":
                rows.append(await on_sqlite(size, args.queries))
            else:
                rows.append(await on_postgresql(args.postgres_url, size, args.queries))
            print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
