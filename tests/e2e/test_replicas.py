"""Two `ferbot run` processes on one PostgreSQL database, behind a load balancer in webhook
mode: stateless replicas of one bot. Every update is answered once; a digest is sent once."""

import asyncio
import itertools
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from adapters.telegram import TelegramAdapter
from bot.replies import Reply
from fer_engine.pipeline import Pipeline
from storage import (
    AnalysisRecord,
    ChatRef,
    ChatSettings,
    FaceRecord,
    PersonRef,
    StorageSettings,
    Store,
)
from tests.bot.conftest import harness_for, settings
from tests.e2e.conftest import ALICE, GROUP, MINJI, telegram_settings
from tests.e2e.processes import ferbot_run
from tests.e2e.test_webhook import PUBLIC_URL, SECRET, free_port, post
from tests.fakes.fake_telegram import FakeTelegram, Person
from tests.images import FACE_JPEG
from tests.storage.conftest import ADMIN_URL, _asyncpg_dsn

REPLICAS = 2
PEOPLE = [Person(8000 + number, f"Person {number}") for number in range(12)]


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh PostgreSQL database for the replicas, dropped afterwards."""
    name = f"ferbot_replicas_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(_asyncpg_dsn(ADMIN_URL), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL unreachable ({exc}); CI must test the replicas on it")
        pytest.skip(f"PostgreSQL unreachable ({exc})")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def schedule_a_digest_due_a_minute_ago(url: str) -> None:
    """The group asked for a daily digest at a time that passed a minute ago (while no
    replica was running), and Minji sent a photo there today."""
    due = datetime.now(UTC) - timedelta(minutes=1)
    group = ChatRef("telegram", str(GROUP["id"]), "group", GROUP["title"])
    async with await Store.open(StorageSettings(url=url)) as store:
        await store.set_chat_settings(
            group, ChatSettings(summary_cron=f"{due.minute} {due.hour} * * *")
        )
        probs = dict.fromkeys(("surprise", "fear", "disgust", "sad", "angry", "neutral"), 0.0)
        face = FaceRecord({**probs, "happy": 1.0})
        minji = PersonRef("telegram", str(MINJI.id), MINJI.first_name)
        await store.record(AnalysisRecord(minji, group, "1", due, (face,), "happy", "test", 1.0))


async def replies_sent(metrics_port: int) -> float:
    """What one replica's /metrics says it answered (its /healthz must say it is up)."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{metrics_port}/healthz") as health:
            assert health.status == 200
        async with session.get(f"http://127.0.0.1:{metrics_port}/metrics") as response:
            text = await response.text()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "ferbot_replies_total"
    )


def replica_environment(
    fake: FakeTelegram, url: str, port: int, metrics_port: int
) -> dict[str, str]:
    return {
        "FERBOT_METRICS__ENABLED": "true",
        "FERBOT_METRICS__PORT": str(metrics_port),
        "TELEGRAM_TOKEN": fake.token,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "FERBOT_TELEGRAM__API_URL": fake.api_url,
        "FERBOT_TELEGRAM__FILE_URL": fake.file_url,
        "FERBOT_TELEGRAM__MODE": "webhook",
        "FERBOT_TELEGRAM__WEBHOOK_URL": PUBLIC_URL,
        "FERBOT_TELEGRAM__WEBHOOK_PORT": str(port),
        "FERBOT_TELEGRAM__MESSAGES_PER_S": "10000",
        "FERBOT_STORAGE__URL": url,
        "FERBOT_ENGINE__DEVICE": "cpu",
        # Every picture one face: photos cost milliseconds on two shared cores.
        "FERBOT_ENGINE__FACES__DETECTOR": "whole_image",
    }


async def test_two_replicas_behind_a_load_balancer_answer_every_update_once_and_one_digest(
    fake: FakeTelegram, postgres_url: str
) -> None:
    await schedule_a_digest_due_a_minute_ago(postgres_url)
    ports = [free_port() for _ in range(REPLICAS)]
    metrics_ports = [free_port() for _ in range(REPLICAS)]
    updates = [
        fake.photo_update(person, FACE_JPEG.read_bytes())
        if number % 3 == 0
        else fake.command_update(person, "/help")
        for number, person in enumerate(PEOPLE)
    ]
    async with AsyncExitStack() as replicas:
        for port, metrics_port in zip(ports, metrics_ports, strict=True):
            await replicas.enter_async_context(
                ferbot_run(replica_environment(fake, postgres_url, port, metrics_port))
            )
        # Each replica registers the webhook and its menus once it listens.
        await fake.wait_for(lambda: len(fake.calls_of("setMyCommands")) == 2 * REPLICAS, 180)
        assert await post(ports[0], fake.command_update(ALICE, "/help"), "forged") == 403
        balancer = itertools.cycle(ports)  # round robin, as a load balancer would
        async with asyncio.TaskGroup() as posting:
            statuses = [
                posting.create_task(post(next(balancer), update, SECRET)) for update in updates
            ]
        assert [status.result() for status in statuses] == [200] * len(updates)
        await fake.wait_for(lambda: len(fake.sent_to(GROUP["id"])) >= 1)
        await fake.wait_for(lambda: len(fake.sent) >= len(updates) + 1)
        await asyncio.sleep(1)  # room for a second answer or digest, which must not come
        replies = [await replies_sent(port) for port in metrics_ports]

    answered = Counter(sent.reply_to for sent in fake.sent if sent.chat_id != GROUP["id"])
    assert answered == Counter(update["message"]["message_id"] for update in updates)
    assert sum(replies) == len(updates) and all(replies)  # both replicas served
    (digest,) = fake.sent_to(GROUP["id"])
    assert digest.method == "sendphoto"
    assert digest.text.startswith("Mood in Friends, the last day\n1 photo from 1 person.")


async def test_a_message_sent_before_telegram_is_up_waits_for_it(
    fake: FakeTelegram, bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    """A digest caught up at start-up is sent while the adapter may still be starting."""
    adapter = TelegramAdapter(fake.token, telegram_settings(fake))
    sending = asyncio.create_task(adapter.send(str(ALICE.id), Reply("hello")))
    await asyncio.sleep(0.1)
    async for harness in harness_for(bundled_pipeline, settings(tmp_path)):
        running = asyncio.create_task(adapter.run(harness.bot))
        await sending
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert [sent.text for sent in fake.sent] == ["hello"]
