from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from storage import StorageSettings, Store
from storage.engine import Database
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base

from .builders import photo

TABLES = set(Base.metadata.tables)


async def tables(database: Database) -> set[str]:
    async with database.reading() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_migrations_take_an_empty_database_to_the_latest_revision(
    empty_database_url: str,
) -> None:
    database = Database(StorageSettings(url=empty_database_url))
    assert await current_revision(database) is None
    await upgrade(database)
    assert await current_revision(database) == head_revision()
    assert await tables(database) == TABLES | {"alembic_version"}
    await database.close()


async def test_the_migrations_build_exactly_what_the_models_describe(
    empty_database_url: str,
) -> None:
    database = Database(StorageSettings(url=empty_database_url))
    await upgrade(database)
    async with database.reading() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert differences == []
    await database.close()


async def test_downgrading_to_base_drops_every_table_and_upgrading_builds_them_again(
    empty_database_url: str,
) -> None:
    database = Database(StorageSettings(url=empty_database_url))
    await upgrade(database)
    await downgrade(database, "base")
    assert await current_revision(database) is None
    assert await tables(database) == {"alembic_version"}
    await upgrade(database)
    assert await current_revision(database) == head_revision()
    assert await tables(database) == TABLES | {"alembic_version"}
    await database.close()


async def test_opening_a_store_migrates_an_empty_database(empty_database_url: str) -> None:
    async with await Store.open(StorageSettings(url=empty_database_url)) as store:
        assert await store.record(photo("1", "2026-03-01T12:00:00+00:00"))


async def test_opening_a_store_again_keeps_what_it_holds(
    storage_settings: StorageSettings,
) -> None:
    async with await Store.open(storage_settings) as store:
        await store.record(photo("1", "2026-03-01T12:00:00+00:00"))
    async with await Store.open(storage_settings) as store:
        assert not await store.record(photo("1", "2026-03-01T12:00:00+00:00"))
        history = await store.person_history(
            "telegram", "1001", now=photo("1", "2026-03-01T12:00:00+00:00").at
        )
        assert history.photos == 1


async def test_a_chat_from_before_auto_analysis_keeps_its_settings_with_auto_off(
    empty_database_url: str,
) -> None:
    database = Database(StorageSettings(url=empty_database_url))
    await upgrade(database, "0001")
    async with database.writing() as connection:
        await connection.execute(
            text(
                "INSERT INTO chats (platform, platform_chat_id, kind, title, timezone, "
                "summary_min_photos, created_at) VALUES ('telegram', '-5', 'group', 'G', "
                "'Asia/Seoul', 3, '2026-01-01 00:00:00+00:00')"
            )
        )
    await database.close()
    async with await Store.open(StorageSettings(url=empty_database_url)) as store:
        settings = await store.chat_settings("telegram", "-5")
    assert settings.timezone == "Asia/Seoul" and settings.summary_min_photos == 3
    assert settings.auto_analysis is False
