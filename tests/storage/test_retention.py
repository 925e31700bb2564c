from datetime import timedelta

from storage import StorageSettings, Store

from .builders import moment, photo

NOW = moment("2026-03-31T12:00:00+00:00")


async def test_purge_deletes_the_analyses_older_than_the_retention_only(
    storage_settings: StorageSettings,
) -> None:
    settings = storage_settings.model_copy(update={"retention_days": 30})
    cutoff = NOW - timedelta(days=30)
    async with await Store.open(settings) as store:
        await store.record_many(
            [
                photo("old", (cutoff - timedelta(microseconds=1)).isoformat()),
                photo("kept", cutoff.isoformat()),
                photo("new", NOW.isoformat()),
            ]
        )
        assert await store.purge_expired(now=NOW) == 1
        history = await store.person_history("telegram", "1001", days=60, now=NOW)
    assert [record.message_id for record in history.last] == ["new", "kept"]
