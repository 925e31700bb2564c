"""All of ferbot's settings: defaults in code and config.toml, overridden by the environment.

Order of precedence: environment (`FERBOT_<SECTION>__<KEY>`) over the config file over the
defaults. Secrets never live here; they are read from the environment where they are used.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.schedule import Schedule
from fer_engine.settings import EngineSettings
from storage.settings import StorageSettings, url_has_password

ENV_PREFIX = "FERBOT_"
CONFIG_ENV = "FERBOT_CONFIG"
DEFAULT_CONFIG = Path("config.toml")


class SettingsError(Exception):
    """The configuration cannot be used; the message says which file or variable to fix."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BotSettings(_Section):
    """How the bot behaves on every platform."""

    operators: tuple[str, ...] = ()  # "telegram:12345": may use /stats
    photos_per_window: int = Field(10, ge=1)
    rate_window_s: float = Field(60.0, gt=0)
    digest_grace_s: float = Field(3600.0, ge=0)  # a digest missed while down is sent this late
    # How often schedules set through other bot replicas are read from the store (0: never).
    schedule_sync_s: float = Field(60.0, ge=0)
    # When the daily retention purge runs (a cron line, UTC); see bot/retention.py.
    purge_cron: str = "30 3 * * *"
    # A face whose likeliest emotion has a (calibrated) probability below this is answered
    # "not sure: A or B"; 0 never hedges.
    unsure_below: float = Field(0.3, ge=0.0, le=1.0)
    # The answer to a photo is the photo itself with each face boxed, numbered and labelled
    # (the words as its caption): for photos with two faces or more ("multi"), for every
    # photo with a face ("always") or never (words only). People miscount faces in a list.
    annotate: Literal["multi", "always", "never"] = "multi"
    annotate_max_side: int = Field(1280, ge=64)  # the drawn photo is scaled down to this
    agreement_days: int = Field(30, ge=1, le=366)  # /stats: agreement over this many days

    @field_validator("purge_cron")
    @classmethod
    def _a_cron_line(cls, cron: str) -> str:
        Schedule(cron).trigger("UTC")  # a ValueError here names the bad field at start-up
        return cron


class TelegramSettings(_Section):
    """The Telegram adapter; its token comes only from $TELEGRAM_TOKEN."""

    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""  # public https URL Telegram posts to (webhook mode)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    max_download_mb: int = Field(20, ge=1)  # Telegram's own limit for bots
    concurrent_updates: int = Field(64, ge=1)
    # Telegram's limit for a bot's messages across all chats; raise it only for a local Bot
    # API server or a test fake.
    messages_per_s: float = Field(30.0, gt=0)
    # A 429 is waited out (retry_after, 1 s or more) and retried this often: 30 rides out a
    # flood of 30 s or more, where 5 gave up after 6-20 s and the answer was lost.
    retries_after_flood: int = Field(30, ge=0)
    network_retries: int = Field(5, ge=0)  # a 5xx or a cut connection: tried again this often


class DiscordSettings(_Section):
    """The Discord adapter; its token comes only from $DISCORD_TOKEN."""

    guild_ids: tuple[int, ...] = ()  # sync slash commands to these guilds only (at once)
    message_content: bool = False  # privileged intent, for /auto on: unaddressed channel photos
    max_attachment_mb: int = Field(25, ge=1)  # larger attachments are refused, never downloaded
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"
    # Bot replicas share the guilds: replica k of N sets shard_id = k, shard_count = N.
    # shard_count = 0: one connection for every guild (up to 2,500 guilds).
    shard_count: int = Field(0, ge=0)
    shard_id: int = Field(0, ge=0)
    network_retries: int = Field(5, ge=0)  # a cut connection or a CDN 5xx: tried again this often
    # Discord never redelivers a message: on a fresh gateway session, photos sent this many
    # minutes back in the chats active then, and not yet answered, are read from channel
    # history and answered. 0: off.
    catch_up_minutes: int = Field(60, ge=0)

    @model_validator(mode="after")
    def _shard_in_range(self) -> "DiscordSettings":
        if self.shard_count and self.shard_id >= self.shard_count:
            raise ValueError(f"shard_id {self.shard_id} is not below shard_count")
        return self


class MetricsSettings(_Section):
    """`/healthz` and Prometheus `/metrics` served by `ferbot run`; off unless enabled."""

    enabled: bool = False
    listen: str = "127.0.0.1"  # "0.0.0.0" on a private network only: nobody outside needs them
    port: int = Field(9464, ge=1, le=65535)


class DashboardSettings(_Section):
    """The operators' web dashboard; the password hash comes only from
    $DASHBOARD_PASSWORD_HASH."""

    enabled: bool = False  # served by `ferbot run` too (`ferbot dashboard` serves it alone)
    host: str = "127.0.0.1"  # another address exposes it: put https in front
    port: int = Field(8321, ge=0, le=65535)  # 0: any free port
    operator: str = "operator"  # who destructive actions are logged as
    secure_cookie: bool = True  # the session cookie travels over https (and to 127.0.0.1) only
    session_hours: float = Field(8.0, gt=0)  # a login lasts this long
    login_attempts: int = Field(5, ge=1)  # per client address per window; more are refused
    login_window_s: float = Field(300.0, gt=0)


class Settings(_Section):
    """The root of config.toml."""

    engine: EngineSettings = EngineSettings()
    storage: StorageSettings = StorageSettings()
    bot: BotSettings = BotSettings()
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
