"""The engine as a Ray Serve application (`engine.backend = "ray"`), and its client."""

from fer_engine.serve._app import build_app, deploy, join_cluster, undeploy
from fer_engine.serve._client import RemoteEngine, ReplicaLost

__all__ = ["RemoteEngine", "ReplicaLost", "build_app", "deploy", "join_cluster", "undeploy"]
