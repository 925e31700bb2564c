"""The import directions of design.md, checked on the source so a violation fails CI."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PLATFORM_LIBRARIES = {"telegram", "discord"}


def imported_top_levels(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


# aiohttp counts: it serves as well as it fetches. The adapters fetch with it (Telegram's
# requests, discord.py's own), so they are held to the frameworks only.
WEB_FRAMEWORKS = {"starlette", "uvicorn", "sqladmin"}
WEB_LIBRARIES = WEB_FRAMEWORKS | {"aiohttp"}


@pytest.mark.parametrize(
    "forbidden", ["bot", "storage", "adapters", "dashboard", "ferbot", *PLATFORM_LIBRARIES]
)
def test_fer_engine_imports_nothing_of_the_bot_or_its_platforms(forbidden: str) -> None:
    offenders = [f for f, names in imported_top_levels("fer_engine").items() if forbidden in names]
    assert offenders == []


@pytest.mark.parametrize("forbidden", ["adapters", "dashboard", "ferbot", *PLATFORM_LIBRARIES])
def test_the_bot_core_knows_no_platform_no_dashboard_and_not_the_shell(forbidden: str) -> None:
    modules = imported_top_levels("bot")
    assert [f for f, names in modules.items() if forbidden in names] == []


@pytest.mark.parametrize("forbidden", ["fer_engine", "storage", "ferbot"])
def test_adapters_know_only_the_bot(forbidden: str) -> None:
    modules = imported_top_levels("adapters")
    assert [f for f, names in modules.items() if forbidden in names] == []


def test_storage_imports_nothing_of_the_bot_or_the_engine() -> None:
    modules = imported_top_levels("storage")
    forbidden = {"bot", "adapters", "fer_engine", "dashboard", "ferbot"}
    assert [f for f, names in modules.items() if names & forbidden] == []


def test_storage_imports_only_the_standard_library_and_its_database_libraries() -> None:
    # aiosqlite and asyncpg are loaded by SQLAlchemy from the URL, never imported by name.
    allowed = set(sys.stdlib_module_names) | {"storage", "sqlalchemy", "alembic", "pydantic"}
    modules = imported_top_levels("storage")
    assert {f: names - allowed for f, names in modules.items() if names - allowed} == {}


def test_the_migration_scripts_are_packages_so_that_they_ship_with_storage() -> None:
    for folder in ("storage/migrations", "storage/migrations/versions"):
        assert (ROOT / folder / "__init__.py").is_file()


@pytest.mark.parametrize("forbidden", sorted(WEB_LIBRARIES))
def test_the_bot_core_knows_no_web_library(forbidden: str) -> None:
    modules = imported_top_levels("bot")
    assert [f for f, names in modules.items() if forbidden in names] == []


@pytest.mark.parametrize("forbidden", ["adapters", "ferbot", *PLATFORM_LIBRARIES])
def test_the_dashboard_knows_no_adapter_no_platform_and_not_the_shell(forbidden: str) -> None:
    modules = imported_top_levels("dashboard")
    assert [f for f, names in modules.items() if forbidden in names] == []


@pytest.mark.parametrize("forbidden", ["dashboard", *sorted(WEB_FRAMEWORKS)])
def test_adapters_know_nothing_of_the_dashboard(forbidden: str) -> None:
    modules = imported_top_levels("adapters")
    assert [f for f, names in modules.items() if forbidden in names] == []
