"""The Telegram bot's latency and its own overhead, per number of people sending at once.

    .venv/bin/python -m benchmarks.bot_bench
    .venv/bin/python -m benchmarks.bot_bench --engines aligned --senders 1 50 200

Engines: `aligned` is the bundled expression net reading the whole photo as one face (a few
ms a photo, so the bot's own cost shows); `bundled` is the default engine (SSD faces, then the
expression net); `tiny` the tiny random fusion models (BLIP-2 captions, slow on a CPU).

The whole bot as `ferbot run` builds it (engine, SQLite store, bot core, TelegramAdapter on
python-telegram-bot) serves the fake Bot API of the end-to-end tests over HTTP on 127.0.0.1.
N people each send photos one after another (the next when the last is answered). Latency is
from the fake queueing the update to the fake receiving the answer; engine time is what the
store recorded for that photo (`latency_ms`: queueing in the engine included); overhead is
the difference: long polling, getFile, the download, the chat action, the bot core, the
store, rendering and sendMessage. Prints one markdown table.
"""

import argparse
import asyncio
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from adapters.telegram import TelegramAdapter
from bot.app import build_bot
from bot.settings import BotSettings, Settings, TelegramSettings, load_settings
from fer_engine import Engine
from fer_engine.loading import load_pipeline
from fer_engine.pipeline import Pipeline
from fer_engine.random_models import save_tiny_models
from fer_engine.settings import EngineSettings, FaceSettings
from fer_engine.stats import percentile
from storage import StorageSettings, Store
from tests.e2e.fake_telegram import FakeTelegram, Person

FACE_PHOTO = Path(__file__).parents[1] / "tests" / "data" / "face.jpg"
# Telegram's 30 messages/s would be the whole story at 50 senders; this measures the bot.
_MESSAGES_PER_S = 10_000.0
_UNLIMITED_PHOTOS = 1_000_000


@dataclass(frozen=True)
class Row:
    engine: str
    senders: int
    photos: int
    photos_per_s: float
    total_ms: list[float]
    engine_ms: list[float]
    overhead_ms: list[float]


def pipeline_for(engine: str, folder: Path) -> Pipeline:
    if engine == "tiny":
        settings = load_settings(save_tiny_models(folder), environ={}).engine
    elif engine == "aligned":
        settings = EngineSettings(faces=FaceSettings(detector="whole_image"))
    else:
        settings = EngineSettings()
    return load_pipeline(settings.model_copy(update={"device": "cpu"}))


async def measure(
    engine_name: str, pipeline: Pipeline, senders: int, per_sender: int, folder: Path
) -> Row:
    """One fresh bot and store; a warm-up photo per sender first, then the measured ones."""
    database = folder / f"bench-{engine_name}-{senders}.db"
    settings = Settings(
        storage=StorageSettings(url=f"sqlite+aiosqlite:///{database}"),
        bot=BotSettings(photos_per_window=_UNLIMITED_PHOTOS),
    )
    photo = FACE_PHOTO.read_bytes()
    async with FakeTelegram() as fake, Engine(pipeline, pipeline.settings.serving) as engine:
        telegram = TelegramSettings(
            api_url=fake.api_url, file_url=fake.file_url, messages_per_s=_MESSAGES_PER_S
        )
        async with await Store.open(settings.storage) as store:
            adapter = TelegramAdapter(fake.token, telegram)
            task = asyncio.create_task(adapter.run(build_bot(engine, store, settings)))
            await adapter.ready.wait()
            people = [Person(10_000 + number, f"Sender {number}") for number in range(senders)]

            async def send(person: Person) -> int:
                update = fake.photo_update(person, photo)
                message_id = update["message"]["message_id"]
                fake.push(update)
                await fake.answer_to(message_id)
                return message_id

            await asyncio.gather(*(send(person) for person in people))  # warm-up
            started = time.perf_counter()

            async def keep_sending(person: Person) -> list[int]:
                return [await send(person) for _ in range(per_sender)]

            measured = [m for ms in await asyncio.gather(*map(keep_sending, people)) for m in ms]
            elapsed = time.perf_counter() - started
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    answered = {sent.reply_to: sent.at for sent in fake.sent}
    with sqlite3.connect(database) as connection:
        engine_ms = dict(
            connection.execute("SELECT platform_message_id, latency_ms FROM analyses").fetchall()
        )
    total = [1000 * (answered[m] - fake.pushed_at[m]) for m in measured]
    in_engine = [engine_ms[str(m)] for m in measured]
    overhead = [t - e for t, e in zip(total, in_engine, strict=True)]
    return Row(
        engine_name, senders, len(measured), len(measured) / elapsed, total, in_engine, overhead
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| engine | senders | photos | photos/s | total p50 ms | total p99 ms | engine p50 ms "
        "| engine p99 ms | overhead p50 ms | overhead p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row.engine, row.senders, row.photos, f"{row.photos_per_s:.1f}"]
        for values in (row.total_ms, row.engine_ms, row.overhead_ms):
            cells += [f"{percentile(values, 0.5):.0f}", f"{percentile(values, 0.99):.0f}"]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=["aligned", "bundled", "tiny"],
        default=["aligned", "bundled"],
    )
    parser.add_argument("--senders", type=int, nargs="+", default=[1, 50, 200])
    parser.add_argument("--min-photos", type=int, default=400, help="measured photos per row")
    parser.add_argument("--max-per-sender", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rows = []
        for name in args.engines:
            pipeline = await asyncio.to_thread(pipeline_for, name, folder)
            for senders in args.senders:
                per_sender = min(args.max_per_sender, max(1, -(-args.min_photos // senders)))
                rows.append(await measure(name, pipeline, senders, per_sender, folder))
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
