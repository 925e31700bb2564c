"""The `[discord]` table of config.toml: intents, limits, shards and catching up."""

from pydantic import Field, model_validator

from bot.settings import Section


class DiscordSettings(Section):
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
