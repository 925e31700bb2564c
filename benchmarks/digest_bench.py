"""How long a group digest takes to build (store queries + chart) in a busy chat.

    python benchmarks/digest_bench.py --analyses 100000 --charts docs

Fills a chat with `--analyses` photos from 300 people over the last 14 days (random moods,
more in the evening), then builds its 7-day digest `--repeats` times and prints one table:
the median and worst build time, split into the store's queries and the chart. With
`--charts`, writes that digest's chart and one person's /history chart as examples.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tqdm import tqdm

from bot.charts import digest_chart, history_chart
from bot.commands.history import _totals
from bot.digest import build_digest
from bot.events import Conversation
from bot.texts import Texts
from storage import (
    EMOTIONS,
    AnalysisRecord,
    ChatRef,
    ChatSettings,
    FaceRecord,
    PersonRef,
    StorageSettings,
    Store,
)

CHAT = ChatRef("telegram", "-1001", "group", "Busy group")
BATCH = 2000
PEOPLE = 300


def analyses(count: int, now: datetime) -> list[AnalysisRecord]:
    rng = random.Random(0)
    weights = [1, 1, 1, 5, 2, 1, 3]  # surprise .. neutral: mostly happy and neutral
    records = []
    for number in range(count):
        emotion = rng.choices(EMOTIONS, weights)[0]
        hour = rng.choices(range(24), [1] * 8 + [2] * 10 + [4] * 6)[0]
        at = (now - timedelta(days=rng.randrange(14))).replace(hour=hour, minute=rng.randrange(60))
        person = rng.randrange(PEOPLE)
        probabilities = {name: 0.7 if name == emotion else 0.05 for name in EMOTIONS}
        records.append(
            AnalysisRecord(
                person=PersonRef("telegram", str(person), f"person {person}"),
                chat=CHAT,
                message_id=str(number),
                at=at,
                faces=(FaceRecord(probabilities, None),),
                dominant_emotion=emotion,
                model_version="bench",
                latency_ms=100.0,
            )
        )
    return records


async def main(count: int, repeats: int, url: str | None, charts: Path | None) -> None:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as scratch:
        settings = StorageSettings(url=url or f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}")
        async with await Store.open(settings) as store:
            await store.set_chat_settings(CHAT, ChatSettings(timezone="Asia/Seoul"))
            records = analyses(count, now)
            for start in tqdm(range(0, count, BATCH), desc="recording", unit="batch"):
                await store.record_many(records[start : start + BATCH])
            texts = Texts("en")
            chat = Conversation(CHAT.platform, CHAT.chat_id, CHAT.kind, CHAT.title)
            totals, queries, pictures = [], [], []
            for _ in range(repeats):
                started = time.perf_counter()
                summary = await store.chat_summary(CHAT.platform, CHAT.chat_id, days=7, now=now)
                queried = time.perf_counter()
                current, previous = dict(summary.emotions.counts), dict(summary.previous.counts)
                digest_chart(current, previous, summary.hours, texts, "x")
                drawn = time.perf_counter()
                queries.append(queried - started)
                pictures.append(drawn - queried)
                started = time.perf_counter()
                await build_digest(store, chat, 7, texts, now)
                totals.append(time.perf_counter() - started)
            if charts:
                charts.mkdir(parents=True, exist_ok=True)
                digest = await build_digest(store, chat, 7, texts, now)
                (charts / "digest-example.png").write_bytes(digest.image)
                history = await store.person_history("telegram", "7", days=30, now=now)
                series = [(day.day, dict(day.emotions.counts)) for day in history.days]
                korean = Texts("ko")
                png = history_chart(_totals(history.days), series, korean, "최근 30일")
                (charts / "history-example.png").write_bytes(png)
    ms = lambda values: f"{1000 * statistics.median(values):.0f} / {1000 * max(values):.0f}"  # noqa: E731
    print("| database | analyses | digest build ms (p50 / max) | queries ms | chart ms |")
    print("|---|---|---|---|---|")
    database = settings.url.split(":")[0]
    print(f"| {database} | {count} | {ms(totals)} | {ms(queries)} | {ms(pictures)} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--analyses", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--url", help="a store URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--charts", type=Path, help="write example chart PNGs into this folder")
    args = parser.parse_args()
    asyncio.run(main(args.analyses, args.repeats, args.url, args.charts))
