"""Many photos at once, and a replica lost under load: every request answered, once, right."""

import asyncio
import logging
import time

import pytest
import ray
from ray import serve

from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from fer_engine.serve import RemoteEngine
from fer_engine.settings import EngineSettings
from tests.images import encode, noise
from tests.ray.test_results import same_analysis

# The first test also waits for Ray to start and the engine to deploy: minutes on an
# overloaded machine.
pytestmark = pytest.mark.timeout(900)

INGRESS = "Ingress"


def photos(count: int, offset: int = 0) -> list[bytes]:
    return [encode(noise(offset + seed, (40, 40)), "PNG") for seed in range(count)]


async def local_answers(pipeline: Pipeline, images: list[bytes]) -> list:
    async with Engine(pipeline, pipeline.settings.serving) as local:
        return await asyncio.gather(*(local.analyze(image) for image in images))


def replica_names(settings: EngineSettings, deployment: str) -> set[str]:
    prefix = f"SERVE_REPLICA::{settings.ray.app_name}#{deployment}#"
    return {
        actor["name"]
        for actor in ray.util.list_named_actors(all_namespaces=True)
        if actor["name"].startswith(prefix)
    }


def running_replicas(settings: EngineSettings, deployment: str) -> int:
    status = serve.status().applications[settings.ray.app_name].deployments[deployment]
    return status.replica_states.get("RUNNING", 0)


async def test_200_concurrent_requests_are_all_answered_each_with_its_own_photo(
    remote_engine: RemoteEngine, same_models_here: Pipeline
) -> None:
    images = photos(200)
    expected = await local_answers(same_models_here, images)
    answered = await asyncio.gather(*(remote_engine.analyze(image) for image in images))
    for remote, local in zip(answered, expected, strict=True):
        same_analysis(remote, local)
    stats = remote_engine.stats()
    assert stats.requests == 200 and stats.errors == {}
    assert stats.max_batch_size > 1  # faces of different photos shared model batches


async def test_an_ingress_replica_killed_mid_load_is_replaced_and_no_request_is_lost(
    remote_engine: RemoteEngine,
    same_models_here: Pipeline,
    deployed: EngineSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    images = photos(80, offset=1000)
    expected = await local_answers(same_models_here, images)
    (victim,) = replica_names(deployed, INGRESS)
    caplog.set_level(logging.WARNING, logger="fer_engine.serve")
    calls = [asyncio.ensure_future(remote_engine.analyze(image)) for image in images]
    while sum(call.done() for call in calls) < 5:
        await asyncio.sleep(0.01)
    ray.kill(ray.get_actor(victim, namespace="serve"))
    answered = await asyncio.gather(*calls)

    for remote, local in zip(answered, expected, strict=True):
        same_analysis(remote, local)  # each caller got its own photo's answer, exactly once
    assert remote_engine.stats().errors == {}
    retried = [r for r in caplog.records if "sending it again" in r.getMessage()]
    assert retried, "the kill should have cut requests short"
    deadline = time.monotonic() + 60
    while running_replicas(deployed, INGRESS) != 1:
        assert time.monotonic() < deadline, "Serve did not replace the killed replica"
        await asyncio.sleep(0.5)
    assert victim not in replica_names(deployed, INGRESS)
