"""Serving: `ferbot run` with the dashboard enabled, and what stops it from starting."""

import asyncio
import socket
from pathlib import Path

import httpx
import pytest

from dashboard.auth import DashboardError
from dashboard.server import Dashboard
from dashboard.settings import DashboardSettings
from tests.dashboard.conftest import PASSWORD_HASH
from tests.e2e.processes import ferbot_run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_dashboard_will_not_start_without_a_password_hash() -> None:
    with pytest.raises(DashboardError, match=r"\$DASHBOARD_PASSWORD_HASH"):
        Dashboard(DashboardSettings(port=0), environ={})


def test_a_password_hash_that_is_no_argon2_hash_is_refused() -> None:
    with pytest.raises(DashboardError, match="not an argon2 hash"):
        Dashboard(DashboardSettings(port=0), environ={"DASHBOARD_PASSWORD_HASH": "hunter2"})


def test_a_port_in_use_stops_start_up_naming_the_settings() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DashboardError, match=r"dashboard\.host or dashboard\.port"):
            Dashboard(DashboardSettings(port=port), {"DASHBOARD_PASSWORD_HASH": PASSWORD_HASH})


async def test_ferbot_run_serves_the_dashboard_beside_the_console_chat_until_ctrl_c(
    tmp_path: Path,
) -> None:
    port = free_port()
    environment = {
        "FERBOT_DASHBOARD__ENABLED": "true",
        "FERBOT_DASHBOARD__PORT": str(port),
        "DASHBOARD_PASSWORD_HASH": PASSWORD_HASH,
        "FERBOT_STORAGE__URL": f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}",
        "FERBOT_ENGINE__DEVICE": "cpu",
    }
    async with ferbot_run(environment, console=True) as stopped:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            login = await _first_answer(client, "/login")
        assert login.status_code == 200 and "Operator login" in login.text
        assert stopped.returncode is None  # the console chat is still open beside it
    assert stopped.returncode == 0, stopped.output.decode()
    assert b"Traceback" not in stopped.output and PASSWORD_HASH.encode() not in stopped.output


async def _first_answer(client: httpx.AsyncClient, path: str) -> httpx.Response:
    """The first answer of a server still starting (models load first): up to 60 s."""
    for _ in range(600):
        try:
            return await client.get(path)
        except httpx.TransportError:
            await asyncio.sleep(0.1)
    raise AssertionError(f"nothing answered {path} within 60 s")
