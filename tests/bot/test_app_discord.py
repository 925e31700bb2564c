from ferbot.app import build_adapters
from ferbot.settings import Settings


def test_a_discord_token_in_the_environment_starts_the_discord_adapter() -> None:
    adapters = build_adapters(Settings(), {"DISCORD_TOKEN": "token"}, console=False)
    assert [adapter.name for adapter in adapters] == ["discord"]


def test_the_discord_adapter_runs_beside_the_console_when_asked() -> None:
    adapters = build_adapters(Settings(), {"DISCORD_TOKEN": "token"}, console=True)
    assert [adapter.name for adapter in adapters] == ["discord", "console"]
