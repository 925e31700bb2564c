"""One local Ray cluster per test session, for the tests of this folder only (Ray takes
seconds to start on two shared cores), with the engine deployed on it once: tiny random
fusion models, every picture one face."""

import os
import socket
import time
from collections.abc import AsyncIterator, Iterator

import pytest

from fer_engine.faces import WholeImageDetector
from fer_engine.pipeline import Pipeline
from fer_engine.settings import DeploymentSettings, EngineSettings, RaySettings

# Serve asks replicas for their queue length within 0.1 s by default; on two busy cores
# that often fails and only floods the log.
os.environ.setdefault("RAY_SERVE_QUEUE_LENGTH_RESPONSE_DEADLINE_S", "2")
# One replica per deployment, taking no CPU from Ray's count, so all fit on two cores.
_RAY_START_TRIES = 3
ONE_REPLICA = DeploymentSettings(num_cpus=0.0, max_ongoing_requests=256)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="package")
def ray_cluster() -> Iterator[None]:
    """A local Ray cluster in this process, started once and shut down after the last test
    of this folder (not at the session's end, so that it idles through no other tests)."""
    import ray
    from ray import serve

    started = time.perf_counter()
    for attempt in range(_RAY_START_TRIES):
        try:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            break
        except Exception:  # Ray waits 30 s for its raylet, which an overloaded machine misses
            ray.shutdown()
            if attempt == _RAY_START_TRIES - 1:
                raise
    print(f"\nRay cluster started in {time.perf_counter() - started:.1f} s")
    yield
    serve.shutdown()
    ray.shutdown()


@pytest.fixture(scope="session")
def ray_engine_settings(tiny_settings: EngineSettings) -> EngineSettings:
    """The tiny fusion models as the Ray backend: every picture one face (fast, and noise
    pictures count), Serve's HTTP proxy on a free port of 127.0.0.1."""
    faces = tiny_settings.faces.model_copy(update={"detector": "whole_image"})
    # These tests count answers, never time them: a machine loaded many times over must not
    # turn a slow answer into a timeout.
    serving = tiny_settings.serving.model_copy(update={"timeout_s": 600.0})
    ray_settings = RaySettings(
        http_port=free_port(), ingress=ONE_REPLICA, models=ONE_REPLICA, captioner=ONE_REPLICA
    )
    return tiny_settings.model_copy(
        update={"backend": "ray", "faces": faces, "serving": serving, "ray": ray_settings}
    )


@pytest.fixture(scope="package")
def deployed(ray_cluster: None, ray_engine_settings: EngineSettings) -> EngineSettings:
    """The engine deployed on the session's cluster, as `ferbot serve-engine` deploys it."""
    from fer_engine.serve import deploy

    started = time.perf_counter()
    deploy(ray_engine_settings)
    print(f"\nengine deployed in {time.perf_counter() - started:.1f} s")
    return ray_engine_settings


@pytest.fixture
async def remote_engine(deployed: EngineSettings) -> AsyncIterator:
    from fer_engine.serve import RemoteEngine

    async with await RemoteEngine.connect(deployed) as engine:
        yield engine


@pytest.fixture(scope="session")
def same_models_here(tiny_pipeline: Pipeline, ray_engine_settings: EngineSettings) -> Pipeline:
    """The deployed models, loaded in this process as the local backend loads them."""
    return Pipeline(
        ray_engine_settings,
        WholeImageDetector(),
        tiny_pipeline.cnn,
        tiny_pipeline.head,
        tiny_pipeline.captioner,
        tiny_pipeline.text_encoder,
    )
