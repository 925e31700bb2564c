import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fer_engine import EMOTIONS
from ferbot.cli import main
from storage.migrate import head_revision
from tests.ferbot_command import FERBOT
from tests.images import FACE_JPEG, GROUP_JPEG, encode, noise


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_analyze_json_prints_one_line_per_photo_in_order_with_the_contract_fields(
    tiny_models: Path, tmp_path: Path
) -> None:
    letter = write(tmp_path, "letter.jpg", b"not a photo at all\n")
    empty_scene = write(tmp_path, "noise.png", encode(noise(0, (200, 150)), "PNG"))
    photos = [FACE_JPEG, letter, empty_scene]
    done = subprocess.run(
        [*FERBOT, "--config", tiny_models / "ferbot.toml", "analyze", "--json", *photos],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stderr == ""
    face_line, letter_line, noise_line = (json.loads(line) for line in done.stdout.splitlines())
    assert done.returncode == 1  # one photo failed
    assert face_line["path"] == str(FACE_JPEG) and face_line["error"] is None
    (found,) = face_line["faces"]
    assert set(found) == {"box", "emotion", "confidence", "probs", "caption"}
    assert len(found["box"]) == 4 and all(isinstance(v, int) for v in found["box"])
    assert list(found["probs"]) == list(EMOTIONS) and found["emotion"] in EMOTIONS
    assert isinstance(found["caption"], str)
    assert letter_line == {
        "path": str(letter),
        "faces": [],
        "error": "This file is not a picture I can open.",
    }
    assert noise_line == {"path": str(empty_scene), "faces": [], "error": None}


def test_analyze_exits_0_when_every_photo_is_analysed(tiny_models: Path) -> None:
    result = CliRunner().invoke(
        main, ["--config", str(tiny_models / "ferbot.toml"), "analyze", str(FACE_JPEG)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{FACE_JPEG}: 1 face\n  1. ")


def test_analyze_names_emotions_offline_on_the_defaults(tmp_path: Path) -> None:
    defaults = write(tmp_path, "empty.toml", b"")
    result = CliRunner().invoke(main, ["--config", str(defaults), "analyze", str(GROUP_JPEG)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{GROUP_JPEG}: 3 faces\n")
    assert "happy" in result.output


def test_an_unreadable_path_is_reported_on_its_line(tiny_models: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--config", str(tiny_models / "ferbot.toml"), "analyze", str(tmp_path / "gone.jpg")]
    )
    assert result.exit_code == 1
    assert "gone.jpg: cannot read the file" in result.output


def test_missing_models_stop_start_up_with_one_line_naming_the_setting(tmp_path: Path) -> None:
    config = write(tmp_path, "ferbot.toml", f'[engine.head]\ncheckpoint = "{tmp_path}"\n'.encode())
    result = CliRunner().invoke(main, ["--config", str(config), "analyze", str(FACE_JPEG)])
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert "engine.head.checkpoint" in line and "FERBOT_ENGINE__HEAD__CHECKPOINT" in line


def test_a_bad_config_file_is_reported_without_a_traceback(tmp_path: Path) -> None:
    config = write(tmp_path, "ferbot.toml", b"[engine]\nmode = 'telepathy'\n")
    result = CliRunner().invoke(main, ["--config", str(config), "analyze", str(FACE_JPEG)])
    assert result.exit_code == 1
    assert "engine.mode" in result.output and "Traceback" not in result.output


def db(tmp_path: Path, *arguments: str) -> Result:
    """`ferbot db ARGUMENTS` on a SQLite file in `tmp_path`, with the default settings."""
    config = write(tmp_path, "ferbot.toml", b"")
    url = f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}"
    return CliRunner().invoke(
        main, ["--config", str(config), "db", *arguments], env={"FERBOT_STORAGE__URL": url}
    )


def test_db_upgrade_brings_a_new_database_to_the_latest_revision(tmp_path: Path) -> None:
    result = db(tmp_path, "upgrade")
    assert result.exit_code == 0, result.output
    url = f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}"
    assert result.output == f"{url}: revision {head_revision()}\n"


def test_db_downgrade_to_base_leaves_no_table_of_the_store(tmp_path: Path) -> None:
    db(tmp_path, "upgrade")
    result = db(tmp_path, "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(": revision base (empty)\n")
    with closing(sqlite3.connect(tmp_path / "ferbot.db")) as connection:
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
    assert tables == {"alembic_version"}


def test_db_upgrade_to_an_unknown_revision_fails_naming_it(tmp_path: Path) -> None:
    result = db(tmp_path, "upgrade", "0999")
    assert result.exit_code == 1
    assert "0999" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("arguments", [["upgrade", "--help"], ["upgrade"]])
def test_db_commands_load_no_model_library(tmp_path: Path, arguments: list[str]) -> None:
    """`ferbot db` runs where no model does (a migration job, a new replica's first step): it
    imports neither torch nor transformers, which take seconds to load."""
    script = (
        "import sys\n"
        "from ferbot.cli import main\n"
        f"main({['db', *arguments]!r}, standalone_mode=False)\n"
        "print(sorted({'torch', 'transformers'} & set(sys.modules)))\n"
    )
    url = f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=os.environ | {"FERBOT_STORAGE__URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[]"
