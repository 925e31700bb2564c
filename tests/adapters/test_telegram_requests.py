"""The aiohttp transport under python-telegram-bot: its errors are PTB's, and token-free."""

import socket

import pytest
from telegram.error import NetworkError

from adapters.telegram._aiohttp_request import AiohttpRequest

TOKEN = "123456:SECRET-part-of-the-token"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_an_unreachable_api_is_a_network_error_that_does_not_name_the_url() -> None:
    request = AiohttpRequest(connections=1)
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{closed_port()}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()
    assert "SECRET" not in str(raised.value) and raised.value.__cause__ is None
