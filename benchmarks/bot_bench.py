"""The Telegram bot's latency and its own overhead, per number of people sending at once.

    .venv/bin/python -m benchmarks.bot_bench
    .venv/bin/python -m benchmarks.bot_bench --engines aligned --senders 1 50 200
    .venv/bin/python -m benchmarks.bot_bench --engines bundled --senders 1 \
        --photo tests/fixtures/faceapi/sample5.jpg

`ferbot run` itself, in its own process as in production (engine, SQLite store, bot core,
TelegramAdapter), serves the fake Bot API of the end-to-end tests, which runs in this process
on 127.0.0.1 and keeps the clock. N people each send photos one after another (the next when
the last is answered). Latency is from the fake queueing the update to the fake receiving the
answer; engine time is what the store recorded for that photo (`latency_ms`, queueing in the
engine included); overhead is the difference: long polling, getFile, the download, the chat
action, waiting for one of the `concurrent_updates` handler slots, the bot core, the store,
rendering and sendMessage. Prints one markdown table.

Engines: `aligned` is the bundled expression net reading the whole photo as one face (a few
ms a photo, so the bot's own cost shows); `bundled` is the default engine (SSD faces, then the
expression net); `tiny` the tiny random fusion models (BLIP-2 captions, slow on a CPU).
`--photo` sends another photo than tests/data/face.jpg: one with several faces has the bot
draw it (`bot.annotate = "multi"`) and answer with `sendPhoto`, which `drawn` counts.
"""

import argparse
import asyncio
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.texts import LANGUAGES
from fer_engine.stats import percentile
from fer_engine.testing import save_tiny_models
from tests.fakes.fake_telegram import FakeTelegram, Person
from tests.ferbot_command import FERBOT

FACE_PHOTO = Path(__file__).parents[1] / "tests" / "data" / "face.jpg"
_START_S = 300.0  # loading the models on a busy machine
# Telegram's 30 messages/s would be the whole story at 50 senders; this measures the bot.
_BOT_ENVIRONMENT = {
    "FERBOT_TELEGRAM__MESSAGES_PER_S": "10000",
    "FERBOT_BOT__PHOTOS_PER_WINDOW": "1000000",
    "FERBOT_ENGINE__DEVICE": "cpu",
}


@dataclass(frozen=True)
class Row:
    engine: str
    senders: int
    photos: int
    photos_per_s: float
    total_ms: list[float]
    engine_ms: list[float]
    overhead_ms: list[float]
    drawn: int  # measured answers sent as the drawn photo


def engine_environment(engine: str, folder: Path) -> dict[str, str]:
    if engine == "tiny":
        return {"FERBOT_CONFIG": str(save_tiny_models(folder / "tiny"))}
    if engine == "aligned":
        return {"FERBOT_ENGINE__FACES__DETECTOR": "whole_image"}
    return {}


async def measure(
    engine: str,
    environment: dict[str, str],
    senders: int,
    per_sender: int,
    folder: Path,
    photo: bytes,
) -> Row:
    """A fresh `ferbot run` and store; a warm-up photo per sender first, then the measured."""
    database = folder / f"bench-{engine}-{senders}.db"
    async with FakeTelegram() as fake:
        bot = await asyncio.create_subprocess_exec(
            *FERBOT,
            "run",
            stdin=subprocess.DEVNULL,
            env=os.environ
            | _BOT_ENVIRONMENT
            | environment
            | {
                "TELEGRAM_TOKEN": fake.token,
                "FERBOT_TELEGRAM__API_URL": fake.api_url,
                "FERBOT_TELEGRAM__FILE_URL": fake.file_url,
                "FERBOT_STORAGE__URL": f"sqlite+aiosqlite:///{database}",
            },
        )
        try:
            menus_set = len(LANGUAGES)  # the last thing the adapter does before serving
            await fake.wait_for(lambda: len(fake.calls_of("setMyCommands")) == menus_set, _START_S)
            people = [Person(10_000 + number, f"Sender {number}") for number in range(senders)]

            async def send(person: Person) -> int:
                update = fake.photo_update(person, photo)
                message_id = update["message"]["message_id"]
                fake.push(update)
                await fake.answer_to(message_id)
                return message_id

            async def keep_sending(person: Person) -> list[int]:
                return [await send(person) for _ in range(per_sender)]

            await asyncio.gather(*map(send, people))  # warm-up
            started = time.perf_counter()
            measured = [m for ms in await asyncio.gather(*map(keep_sending, people)) for m in ms]
            elapsed = time.perf_counter() - started
        finally:
            bot.send_signal(signal.SIGINT)  # as Ctrl-C: finish what is in flight, then exit
            await bot.wait()
    answered = {sent.reply_to: sent.at for sent in fake.sent}
    drawn = sum(sent.method == "sendphoto" and sent.reply_to in measured for sent in fake.sent)
    with sqlite3.connect(database) as connection:
        engine_ms = dict(
            connection.execute("SELECT platform_message_id, latency_ms FROM analyses").fetchall()
        )
    total = [1000 * (answered[m] - fake.pushed_at[m]) for m in measured]
    in_engine = [engine_ms[str(m)] for m in measured]
    overhead = [t - e for t, e in zip(total, in_engine, strict=True)]
    rate = len(measured) / elapsed
    return Row(engine, senders, len(measured), rate, total, in_engine, overhead, drawn)


def table(rows: list[Row]) -> str:
    lines = [
        "| engine | senders | photos | photos/s | total p50 ms | total p99 ms | engine p50 ms "
        "| engine p99 ms | overhead p50 ms | overhead p99 ms | drawn |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row.engine, row.senders, row.photos, f"{row.photos_per_s:.1f}"]
        for values in (row.total_ms, row.engine_ms, row.overhead_ms):
            cells += [f"{percentile(values, 0.5):.0f}", f"{percentile(values, 0.99):.0f}"]
        cells.append(row.drawn)
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
    parser.add_argument("--photo", type=Path, default=FACE_PHOTO, help="the photo everyone sends")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        rows = []
        for name in args.engines:
            environment = engine_environment(name, folder)
            for senders in args.senders:
                per_sender = min(args.max_per_sender, max(1, -(-args.min_photos // senders)))
                rows.append(
                    await measure(
                        name, environment, senders, per_sender, folder, args.photo.read_bytes()
                    )
                )
    print(table(rows))


if __name__ == "__main__":
    asyncio.run(main())
