"""The engine's Serve application, built from settings, and deploying it on a Ray cluster."""

import logging
from typing import Any

import ray
from ray import serve
from ray.serve import Application
from ray.serve.handle import DeploymentHandle

from fer_engine.errors import ModelUnavailable
from fer_engine.serve._deployments import FaceCaptioner, FaceModels, Ingress
from fer_engine.settings import DeploymentSettings, EngineSettings, RaySettings

log = logging.getLogger(__name__)
# Replicas stop on `serve shutdown` or a redeploy after finishing what they hold.
_GRACEFUL_SHUTDOWN_S = 30.0


def deployment_options(settings: DeploymentSettings) -> dict[str, Any]:
    """Serve's options for one deployment: fixed replicas or autoscaling, and resources."""
    options: dict[str, Any] = {
        "max_ongoing_requests": settings.max_ongoing_requests,
        "ray_actor_options": {"num_cpus": settings.num_cpus, "num_gpus": settings.num_gpus},
        "graceful_shutdown_timeout_s": _GRACEFUL_SHUTDOWN_S,
    }
    if settings.min_replicas == settings.max_replicas:
        options["num_replicas"] = settings.max_replicas
    else:
        options["autoscaling_config"] = {
            "min_replicas": settings.min_replicas,
            "max_replicas": settings.max_replicas,
            "target_ongoing_requests": settings.target_ongoing_requests,
        }
    return options


def build_app(settings: EngineSettings) -> Application:
    """Ingress -> (captioner, in fusion mode) -> models, each with its own replicas."""
    ray_settings = settings.ray
    models = serve.deployment(FaceModels, name="FaceModels").options(
        **deployment_options(ray_settings.models)
    )
    captioner = None
    if settings.mode == "fusion":
        captioner = (
            serve.deployment(FaceCaptioner, name="FaceCaptioner")
            .options(**deployment_options(ray_settings.captioner))
            .bind(settings)
        )
    ingress = serve.deployment(Ingress, name="Ingress").options(
        **deployment_options(ray_settings.ingress)
    )
    return ingress.bind(settings, models.bind(settings), captioner)


def join_cluster(settings: RaySettings) -> None:
    """Connect this process to the Ray cluster at `settings.address`, once."""
    if ray.is_initialized():
        return
    try:
        ray.init(address=settings.address, log_to_driver=False)
    except ConnectionError as exc:
        raise ModelUnavailable(
            f"no Ray cluster at {settings.address!r} ({exc})",
            "engine.ray.address",
            "a running cluster's address (`ray start --head` starts one here)",
        ) from exc


def deploy(settings: EngineSettings) -> DeploymentHandle:
    """Deploy (or update in place) the engine on the cluster this process joined; returns
    the ingress handle once every replica is up. Serve's HTTP proxy listens on
    `http_host:http_port` at `route_prefix`."""
    ray_settings = settings.ray
    serve.start(http_options={"host": ray_settings.http_host, "port": ray_settings.http_port})
    handle = serve.run(
        build_app(settings), name=ray_settings.app_name, route_prefix=ray_settings.route_prefix
    )
    log.info(
        "engine deployed as %s at http://%s:%d%s",
        ray_settings.app_name,
        ray_settings.http_host,
        ray_settings.http_port,
        ray_settings.route_prefix,
    )
    return handle


def undeploy(settings: EngineSettings) -> None:
    """Remove the engine's application from the cluster (its replicas finish first)."""
    serve.delete(settings.ray.app_name)
    log.info("engine %s removed", settings.ray.app_name)
