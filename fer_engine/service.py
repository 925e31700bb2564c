"""What the bot needs of an engine, whichever backend serves it: the local `Engine` in this
process, or the Ray Serve application reached through `RemoteEngine`."""

from typing import Protocol

from fer_engine.analysis import Analysis
from fer_engine.settings import EngineSettings
from fer_engine.stats import EngineStats


class EngineService(Protocol):
    """`analyze` is safe from many tasks at once; errors a person may see are typed
    (`BadImage`, `EngineBusy`, `EngineTimeout`, `EngineClosed`)."""

    @property
    def model_version(self) -> str: ...

    async def analyze(self, data: bytes) -> Analysis: ...

    def stats(self) -> EngineStats: ...

    async def close(self) -> None: ...


async def open_engine(settings: EngineSettings) -> EngineService:
    """The engine `settings.backend` names: models loaded here ("local"), or a client of the
    Ray Serve application that `ferbot serve-engine` deployed ("ray")."""
    if settings.backend == "ray":
        # Imported only here: Ray is a large import that a local bot never needs.
        from fer_engine.serve import RemoteEngine

        return await RemoteEngine.connect(settings)
    from fer_engine.engine import Engine

    return await Engine.load(settings)
