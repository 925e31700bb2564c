"""The settings the bot core reads, and what every section of config.toml is built on.

The process's whole `Settings` (ferbot/settings.py) extends `CoreSettings` with the sections
that live beside their owners: each platform's, the dashboard's, the metrics server's.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.schedule import Schedule
from fer_engine.settings import EngineSettings
from storage.settings import StorageSettings


class SettingsError(Exception):
    """The configuration cannot be used; the message says which file or variable to fix."""


class Section(BaseModel):
    """A table of config.toml: frozen, and a misspelt key fails loudly instead of being
    ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class BotSettings(Section):
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


class CoreSettings(Section):
    """What the bot core reads: the engine's, the store's and its own sections."""

    engine: EngineSettings = EngineSettings()
    storage: StorageSettings = StorageSettings()
    bot: BotSettings = BotSettings()
