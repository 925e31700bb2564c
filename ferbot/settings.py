"""All of ferbot's settings: defaults in code and config.toml, overridden by the environment.

Order of precedence: environment (`FERBOT_<SECTION>__<KEY>`) over the config file over the
defaults. Secrets never live here; they are read from the environment where they are used.
Each section is defined beside its owner (the core's in bot/, Telegram's in adapters/telegram/,
the dashboard's in dashboard/); this module assembles them and reads the file.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from adapters.discord_adapter import DiscordSettings
from adapters.telegram import TelegramSettings
from bot.settings import CoreSettings, Section, SettingsError
from dashboard.settings import DashboardSettings
from storage.settings import url_has_password

ENV_PREFIX = "FERBOT_"
CONFIG_ENV = "FERBOT_CONFIG"
DEFAULT_CONFIG = Path("config.toml")


class MetricsSettings(Section):
    """`/healthz` and Prometheus `/metrics` served by `ferbot run`; off unless enabled."""

    enabled: bool = False
    listen: str = "127.0.0.1"  # "0.0.0.0" on a private network only: nobody outside needs them
    port: int = Field(9464, ge=1, le=65535)


class Settings(CoreSettings):
    """The root of config.toml: the core's sections and every edge's."""

    telegram: TelegramSettings = TelegramSettings()
    discord: DiscordSettings = DiscordSettings()
    dashboard: DashboardSettings = DashboardSettings()
    metrics: MetricsSettings = MetricsSettings()


def load_settings(path: Path | None = None, environ: Mapping[str, str] = os.environ) -> Settings:
    """Settings from `path` (or $FERBOT_CONFIG, or ./config.toml if present) and the environment."""
    config = _config_path(path, environ)
    data = _read_config(config)
    _refuse_password_in_file(data, config)
    for name, value in environ.items():
        if name.startswith(ENV_PREFIX) and name != CONFIG_ENV:
            keys = name.removeprefix(ENV_PREFIX).lower().split("__")
            _set_nested(data, keys, value)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from exc


def _config_path(path: Path | None, environ: Mapping[str, str]) -> Path | None:
    if path is not None:
        return path
    if CONFIG_ENV in environ:
        return Path(environ[CONFIG_ENV])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


def _read_config(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError as exc:
        raise SettingsError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc


def _refuse_password_in_file(data: Mapping[str, Any], path: Path | None) -> None:
    storage = data.get("storage")
    url = storage.get("url") if isinstance(storage, dict) else None
    if isinstance(url, str) and url_has_password(url):
        raise SettingsError(
            f"config file {path} holds a database password in storage.url; "
            f"set the whole URL in {ENV_PREFIX}STORAGE__URL instead"
        )


def _set_nested(data: dict[str, Any], keys: list[str], value: str) -> None:
    for key in keys[:-1]:
        child = data.setdefault(key, {})
        if not isinstance(child, dict):
            raise SettingsError(f"{ENV_PREFIX}{'__'.join(keys).upper()} names a value, not a table")
        data = child
    data[keys[-1]] = value
