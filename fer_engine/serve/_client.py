"""The bot's side of the Ray backend: `RemoteEngine` answers the calls the local `Engine`
answers, reaching the Serve application through a DeploymentHandle (a bot inside the Ray
cluster) or Serve's HTTP endpoint (a bot outside it)."""

import asyncio
import logging
import uuid
from typing import Protocol

import aiohttp
from ray import serve
from ray.exceptions import RayActorError, RayTaskError
from ray.serve.exceptions import BackPressureError
from ray.serve.handle import DeploymentHandle

from fer_engine.admission import Admission
from fer_engine.analysis import Analysis
from fer_engine.errors import EngineBusy, ModelUnavailable
from fer_engine.serve._app import join_cluster
from fer_engine.serve._deployments import REQUEST_ID_HEADER
from fer_engine.serve._wire import Wire, unwire
from fer_engine.settings import EngineSettings, RaySettings, ServingSettings
from fer_engine.stats import EngineStats, StatsRecorder

log = logging.getLogger(__name__)
# Before a retry: long enough for Serve to route around a dead replica.
_RETRY_PAUSE_S = 0.2


class ReplicaLost(Exception):
    """The replica serving a request died before answering; the request may be sent again."""


class Transport(Protocol):
    """One way to reach the ingress deployment."""

    async def analyze(self, request_id: str, data: bytes) -> Wire: ...

    async def model_version(self) -> str: ...

    async def close(self) -> None: ...


class HandleTransport:
    """Through Serve's DeploymentHandle, from a process that joined the Ray cluster."""

    def __init__(self, handle: DeploymentHandle) -> None:
        self._handle = handle

    @classmethod
    def connect(cls, settings: RaySettings) -> "HandleTransport":
        join_cluster(settings)
        return cls(serve.get_app_handle(settings.app_name))

    async def analyze(self, request_id: str, data: bytes) -> Wire:
        try:
            return await self._handle.analyze.remote(request_id, data)
        except BackPressureError:
            raise EngineBusy() from None
        except RayActorError as exc:
            raise ReplicaLost(str(exc)) from exc
        except RayTaskError as exc:
            # A replica further down (models, captioner) died under the ingress.
            if isinstance(exc.cause, RayActorError):
                raise ReplicaLost(str(exc.cause)) from exc
            raise

    async def model_version(self) -> str:
        return await self._handle.model_version.remote()

    async def close(self) -> None:
        """The handle belongs to Ray's runtime in this process; nothing to close."""


class HttpTransport:
    """Through Serve's HTTP proxy, from anywhere that reaches it."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(raise_for_status=False)
        return self._session

    async def analyze(self, request_id: str, data: bytes) -> Wire:
        headers = {REQUEST_ID_HEADER: request_id, "Content-Type": "application/octet-stream"}
        try:
            async with self._client().post(self._url, data=data, headers=headers) as response:
                if response.status == 503:  # Serve's answer when its queues are full
                    raise EngineBusy()
                if response.status in (500, 502, 504):
                    raise ReplicaLost(f"HTTP {response.status} from the engine")
                response.raise_for_status()
                return await response.json()
        except aiohttp.ClientConnectionError as exc:
            raise ReplicaLost(f"engine unreachable: {exc}") from exc

    async def model_version(self) -> str:
        async with self._client().get(self._url) as response:
            response.raise_for_status()
            return (await response.json())["model_version"]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class RemoteEngine:
    """The Serve application behind the `EngineService` calls, with the local engine's limits
    (queue size, timeout) and stats kept here. A request whose replica died is sent again,
    up to `engine.ray.retries` times, with the same request id: analysing a photo changes
    nothing, so a retry can never answer twice."""

    def __init__(
        self, transport: Transport, serving: ServingSettings, retries: int, model_version: str
    ) -> None:
        self._transport = transport
        self._retries = retries
        self._model_version = model_version
        self._stats = StatsRecorder()
        self._admission = Admission(serving, self._stats)

    @classmethod
    async def connect(cls, settings: EngineSettings) -> "RemoteEngine":
        """A client of the deployed application: over HTTP when `engine.ray.http_url` is set,
        else through a handle (joining the Ray cluster at `engine.ray.address`)."""
        ray_settings = settings.ray
        setting = "engine.ray.http_url" if ray_settings.http_url else "engine.ray.address"
        transport: Transport | None = None
        try:
            if ray_settings.http_url:
                transport = HttpTransport(ray_settings.http_url)
            else:
                transport = await asyncio.to_thread(HandleTransport.connect, ray_settings)
            version = await transport.model_version()
        except Exception as exc:
            if transport is not None:
                await transport.close()
            raise ModelUnavailable(
                f"the engine application {ray_settings.app_name!r} cannot be reached ({exc}); "
                "is `ferbot serve-engine` running?",
                setting,
                "where it runs",
            ) from exc
        return cls(transport, settings.serving, ray_settings.retries, version)

    @property
    def model_version(self) -> str:
        return self._model_version

    async def __aenter__(self) -> "RemoteEngine":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def analyze(self, data: bytes) -> Analysis:
        """As `Engine.analyze`: the faces of `data`, or a typed error a person may read."""
        return await self._admission.run(lambda: self._analyze(data))

    async def _analyze(self, data: bytes) -> Analysis:
        request_id = uuid.uuid4().hex
        for attempt in range(self._retries + 1):
            try:
                wire = await self._transport.analyze(request_id, data)
                break
            except ReplicaLost as exc:
                if attempt == self._retries:
                    raise
                log.warning("request %s: %s; sending it again", request_id, exc)
                await asyncio.sleep(_RETRY_PAUSE_S)
        analysis, batch_faces = unwire(wire)
        self._stats.record_batch(batch_faces, analysis.timings, 0)
        return analysis

    def stats(self) -> EngineStats:
        """As `Engine.stats`, seen from this client: batch sizes are those each photo rode in."""
        return self._stats.snapshot(self._admission.in_flight, 0)

    async def close(self) -> None:
        """Refuse new requests and wait for those in flight; the application keeps running."""
        if await self._admission.close():
            await self._transport.close()
