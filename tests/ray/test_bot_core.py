"""The bot core, unchanged, on either backend: the same photo gets the same faces."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.events import Photo
from bot.outbox import Outbox
from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from fer_engine.serve import RemoteEngine
from fer_engine.service import EngineService
from fer_engine.settings import EngineSettings
from ferbot.app import build_bot
from storage import Store
from tests.bot.conftest import ALICE, ALICE_CHAT, settings
from tests.images import FACE_JPEG

# The first test also waits for Ray to start and the engine to deploy: minutes on an
# overloaded machine.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(params=["local", "ray"])
async def engine(
    request: pytest.FixtureRequest, same_models_here: Pipeline, deployed: EngineSettings
) -> AsyncIterator[EngineService]:
    if request.param == "local":
        opened: EngineService = Engine(same_models_here, same_models_here.settings.serving)
    else:
        opened = await RemoteEngine.connect(deployed)
    yield opened
    await opened.close()


async def test_the_bot_core_answers_a_photo_and_records_it_on_either_backend(
    engine: EngineService, same_models_here: Pipeline, tmp_path: Path
) -> None:
    configured = settings(tmp_path, operators=("telegram:1001",))
    async with await Store.open(configured.storage) as store:
        bot = build_bot(engine, store, configured, Outbox())
        reply = await bot.handle(Photo(ALICE, ALICE_CHAT, "1", FACE_JPEG.read_bytes()))
        history = await store.person_history("telegram", ALICE.user_id, days=30)
    local = same_models_here.prepare(FACE_JPEG.read_bytes())
    (expected,) = same_models_here.infer(local.faces)[0]
    (line,) = reply.faces
    assert line.caption == expected.caption
    assert line.confidence == pytest.approx(max(expected.probs), abs=1e-5)
    assert history.photos == 1
