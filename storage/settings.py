"""Typed settings of the store: the `[storage]` table of config.toml."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class StorageSettings(BaseModel):
    """Where the records live, how long analyses are kept and how connections are pooled.

    `url` is any SQLAlchemy async URL: `sqlite+aiosqlite:///path.db` (the embedded default) or
    `postgresql+asyncpg://user@host/db`. A password belongs only in $FERBOT_STORAGE__URL.
    """

    # A misspelt key in config.toml or the environment must fail loudly, not be ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = "sqlite+aiosqlite:///ferbot.db"
    retention_days: int = Field(365, ge=1)
    pool_size: int = Field(5, ge=1)
    max_overflow: int = Field(10, ge=0)
    busy_timeout_ms: int = Field(5000, ge=0)
    # FULL: a commit survives power loss; NORMAL (faster in WAL) survives a crashed process only.
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"

    @field_validator("url")
    @classmethod
    def _readable_url(cls, url: str) -> str:
        try:
            make_url(url)
        except ArgumentError as exc:
            raise ValueError(f"not a database URL: {exc}") from exc
        return url


def url_has_password(url: str) -> bool:
    """Whether `url` carries a password (which must then come from the environment).

    An unreadable URL has none here; validating the settings reports it.
    """
    try:
        return make_url(url).password is not None
    except ArgumentError:
        return False


def printable_url(url: str) -> str:
    """`url` as it may appear in a log line: any password replaced by ***."""
    return make_url(url).render_as_string(hide_password=True)
