"""The import directions of design.md, checked on the source so a violation fails CI."""

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PLATFORM_LIBRARIES = {"telegram", "discord"}


def imported_top_levels(package: str, skip: set[str] = frozenset()) -> dict[str, set[str]]:
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        if path.name in skip:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


WEB_LIBRARIES = {"dashboard", "starlette", "uvicorn", "sqladmin"}


@pytest.mark.parametrize(
    "forbidden", ["bot", "storage", "adapters", "dashboard", *PLATFORM_LIBRARIES]
)
def test_fer_engine_imports_nothing_of_the_bot_or_its_platforms(forbidden: str) -> None:
    offenders = [f for f, names in imported_top_levels("fer_engine").items() if forbidden in names]
    assert offenders == []


@pytest.mark.parametrize("forbidden", ["adapters", *PLATFORM_LIBRARIES])
def test_the_bot_core_knows_no_platform_except_its_composition_root(forbidden: str) -> None:
    modules = imported_top_levels("bot", skip={"app.py"})
    assert [f for f, names in modules.items() if forbidden in names] == []


@pytest.mark.parametrize("forbidden", ["fer_engine", "storage"])
def test_adapters_know_only_the_bot(forbidden: str) -> None:
    modules = imported_top_levels("adapters")
    assert [f for f, names in modules.items() if forbidden in names] == []


def test_storage_imports_nothing_of_the_bot_or_the_engine() -> None:
    modules = imported_top_levels("storage")
    forbidden = {"bot", "adapters", "fer_engine", "dashboard"}
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
def test_the_bot_core_knows_no_web_library_except_its_composition_root_and_command_line(
    forbidden: str,
) -> None:
    modules = imported_top_levels("bot", skip={"app.py", "cli.py"})
    assert [f for f, names in modules.items() if forbidden in names] == []


@pytest.mark.parametrize("forbidden", ["adapters", *PLATFORM_LIBRARIES])
def test_the_dashboard_knows_no_adapter_and_no_platform(forbidden: str) -> None:
    modules = imported_top_levels("dashboard")
    assert [f for f, names in modules.items() if forbidden in names] == []


@pytest.mark.parametrize("forbidden", ["dashboard", *WEB_LIBRARIES])
def test_adapters_know_nothing_of_the_dashboard(forbidden: str) -> None:
    modules = imported_top_levels("adapters")
    assert [f for f, names in modules.items() if forbidden in names] == []
