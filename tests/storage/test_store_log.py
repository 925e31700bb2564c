import logging

import pytest
from sqlalchemy.engine import make_url

from storage import StorageSettings, Store


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_the_log_names_the_database_but_never_its_password(
    storage_settings: StorageSettings, caplog: pytest.LogCaptureFixture
) -> None:
    # The test server trusts local connections, so any password opens it.
    url = make_url(storage_settings.url).set(password="hunter2")
    settings = storage_settings.model_copy(
        update={"url": url.render_as_string(hide_password=False)}
    )
    caplog.set_level(logging.DEBUG)
    async with await Store.open(settings) as store:
        await store.chat_summary("telegram", "-100")
    assert f"storage at {url.render_as_string(hide_password=True)}" in caplog.text
    assert "hunter2" not in caplog.text
