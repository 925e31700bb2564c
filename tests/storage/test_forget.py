from typing import Any

from sqlalchemy import Row, select

from storage import StorageSettings, Store
from storage.engine import Database
from storage.models import Base

from .builders import ANN, ANN_ALONE, BOB, FRIENDS, WORK, photo

Rows = dict[str, dict[int, Row[Any]]]


async def every_row(settings: StorageSettings) -> Rows:
    """Every row of every table the store keeps, by table name and id."""
    database = Database(settings)
    async with database.reading() as connection:
        rows = {
            table.name: {row.id: row for row in await connection.execute(select(table))}
            for table in Base.metadata.sorted_tables
        }
    await database.close()
    return rows


def rows_of_ann(rows: Rows) -> dict[str, set[int]]:
    """The ids of Ann's person row, her analyses and her private chat with the bot."""
    (ann,) = (id for id, row in rows["people"].items() if row.platform_user_id == "1001")
    return {
        "people": {ann},
        "chats": {id for id, row in rows["chats"].items() if row.platform_chat_id == "1001"},
        "analyses": {id for id, row in rows["analyses"].items() if row.person_id == ann},
    }


async def record_ann_and_bob(store: Store) -> None:
    await store.record_many(
        [
            photo("1", "2026-03-31T09:00:00+00:00", "happy", ANN, FRIENDS),
            photo("2", "2026-03-31T09:00:00+00:00", "sad", ANN, WORK),
            photo("3", "2026-03-31T09:00:00+00:00", "fear", ANN, ANN_ALONE),
            photo("4", "2026-03-31T09:00:00+00:00", "angry", BOB, FRIENDS),
            photo("5", "2026-03-31T09:00:00+00:00", "happy", BOB, WORK),
        ]
    )


async def test_forget_removes_every_row_of_that_person_only(
    store: Store, storage_settings: StorageSettings
) -> None:
    await record_ann_and_bob(store)
    before = await every_row(storage_settings)
    assert await store.forget_person("telegram", "1001") == 3
    after = await every_row(storage_settings)
    ann = rows_of_ann(before)
    assert {table: len(ids) for table, ids in ann.items()} == {
        "people": 1,
        "chats": 1,
        "analyses": 3,
    }
    for table, rows in before.items():
        assert after[table] == {id: row for id, row in rows.items() if id not in ann[table]}


async def test_a_forgotten_person_has_no_history_and_no_export(store: Store) -> None:
    await record_ann_and_bob(store)
    await store.forget_person("telegram", "1001")
    assert (await store.person_history("telegram", "1001")).photos == 0
    assert await store.export_person("telegram", "1001") is None


async def test_forgetting_someone_never_seen_changes_nothing(
    store: Store, storage_settings: StorageSettings
) -> None:
    await record_ann_and_bob(store)
    before = await every_row(storage_settings)
    assert await store.forget_person("telegram", "404") == 0
    assert await every_row(storage_settings) == before


async def test_a_group_stays_when_its_only_sender_is_forgotten(
    store: Store, storage_settings: StorageSettings
) -> None:
    await store.record(photo("1", "2026-03-31T09:00:00+00:00", person=ANN, chat=WORK))
    await store.forget_person("telegram", "1001")
    rows = await every_row(storage_settings)
    assert [chat.title for chat in rows["chats"].values()] == ["Work"]
    assert rows["people"] == {} and rows["analyses"] == {}
