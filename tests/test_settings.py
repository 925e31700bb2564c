import tomllib
from pathlib import Path

import pytest

from bot.settings import SettingsError
from ferbot.settings import Settings, load_settings

CONFIG = Path(__file__).parents[1] / "config.toml"


def test_config_toml_holds_every_setting_with_its_default() -> None:
    with CONFIG.open("rb") as file:
        assert tomllib.load(file) == Settings().model_dump(mode="json")


def test_no_file_and_no_environment_give_the_defaults(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    assert load_settings(empty, environ={}) == Settings()


def test_the_config_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "ferbot.toml"
    path.write_text("[engine.serving]\nmax_batch = 64\n")
    assert load_settings(path, environ={}).engine.serving.max_batch == 64


def test_the_environment_overrides_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "ferbot.toml"
    path.write_text("[engine.serving]\nmax_batch = 64\n")
    environ = {"FERBOT_ENGINE__SERVING__MAX_BATCH": "8", "FERBOT_ENGINE__OFFLINE": "true"}
    settings = load_settings(path, environ=environ)
    assert settings.engine.serving.max_batch == 8 and settings.engine.offline is True


def test_ferbot_config_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "other.toml"
    path.write_text('[engine]\nmode = "cnn"\n')
    assert load_settings(environ={"FERBOT_CONFIG": str(path)}).engine.mode == "cnn"


def test_a_misspelt_key_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "ferbot.toml"
    path.write_text("[engine.serving]\nmax_bach = 64\n")
    with pytest.raises(SettingsError, match=r"engine\.serving\.max_bach"):
        load_settings(path, environ={})


def test_a_bad_value_from_the_environment_is_refused_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    with pytest.raises(SettingsError, match=r"engine\.serving\.max_batch"):
        load_settings(empty, environ={"FERBOT_ENGINE__SERVING__MAX_BATCH": "many"})


def test_a_purge_time_that_is_not_a_cron_line_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "ferbot.toml"
    path.write_text('[bot]\npurge_cron = "daily at four"\n')
    with pytest.raises(SettingsError, match=r"bot\.purge_cron"):
        load_settings(path, environ={})


def test_a_missing_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.toml", environ={})


def test_a_file_that_is_not_toml_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ferbot.toml"
    path.write_text("[engine\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path, environ={})


def test_a_database_password_in_the_config_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ferbot.toml"
    path.write_text('[storage]\nurl = "postgresql+asyncpg://bot:hunter2@db.internal/ferbot"\n')
    with pytest.raises(SettingsError, match="FERBOT_STORAGE__URL") as refused:
        load_settings(path, environ={})
    assert "hunter2" not in str(refused.value)


def test_a_database_url_with_its_password_comes_from_the_environment(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    url = "postgresql+asyncpg://bot:hunter2@db.internal/ferbot"
    assert load_settings(empty, environ={"FERBOT_STORAGE__URL": url}).storage.url == url


def test_a_storage_url_that_is_not_a_url_is_refused_naming_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    with pytest.raises(SettingsError, match=r"storage\.url"):
        load_settings(empty, environ={"FERBOT_STORAGE__URL": "not a url"})
