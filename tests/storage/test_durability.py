import asyncio
import json
import signal
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from storage import StorageSettings, Store

from .builders import photo

ROOT = Path(__file__).parents[2]
COMMITS_BEFORE_THE_KILL = 200


async def test_a_writer_killed_mid_stream_leaves_every_committed_row(
    storage_settings: StorageSettings,
) -> None:
    async with await Store.open(storage_settings):
        pass
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.storage.write_until_killed",
        storage_settings.url,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert writer.stdout is not None
    committed = [await writer.stdout.readline() for _ in range(COMMITS_BEFORE_THE_KILL)]
    writer.send_signal(signal.SIGKILL)
    committed += (await writer.stdout.read()).splitlines(keepends=True)
    assert await writer.wait() == -signal.SIGKILL
    committed_ids = {line.decode().strip() for line in committed}

    url = make_url(storage_settings.url)
    if url.get_backend_name() == "sqlite":
        with closing(sqlite3.connect(url.database or "")) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    async with await Store.open(storage_settings) as store:
        exported = await store.export_person("telegram", "1001")
        assert await store.record(photo("after", "2026-03-31T09:00:00+00:00"))
    assert exported is not None
    stored_ids = {analysis["message_id"] for analysis in json.loads(exported)["analyses"]}
    assert committed_ids <= stored_ids
    assert len(stored_ids) <= len(committed_ids) + 1
