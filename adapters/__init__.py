"""Platform edges (Telegram, Discord, console): events in, replies out; they know only bot/."""
