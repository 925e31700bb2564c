"""Serving the dashboard with uvicorn on the caller's event loop, beside the bot."""

import asyncio
import contextlib
import socket
from collections.abc import Iterator, Mapping

import uvicorn
from starlette.applications import Starlette

from bot.context import BotContext
from dashboard.app import create_app
from dashboard.auth import SESSION_SECRET_ENV, DashboardError, password_hash_from
from dashboard.settings import DashboardSettings


class Dashboard:
    """The dashboard, made ready before the bot loads its models: its password hash checked
    and its address bound, so that a missing hash or a port in use stops start-up at once."""

    def __init__(self, settings: DashboardSettings, environ: Mapping[str, str]) -> None:
        self.settings = settings
        self._password_hash = password_hash_from(environ)
        self._session_secret = environ.get(SESSION_SECRET_ENV)
        try:
            self._socket = listening_socket(settings.host, settings.port)
        except OSError as exc:
            raise DashboardError(
                f"the dashboard cannot listen on {settings.host}:{settings.port} ({exc.strerror}); "
                "change dashboard.host or dashboard.port"
            ) from exc

    @property
    def url(self) -> str:
        host, port = self._socket.getsockname()[:2]
        return f"http://{host}:{port}/"

    async def serve(self, context: BotContext) -> None:
        """Serve the dashboard of `context`'s bot until cancelled."""
        app = create_app(context, self.settings, self._password_hash, self._session_secret)
        await serve(app, self._socket)

    def close(self) -> None:
        """Let go of the address (when start-up failed before serving)."""
        self._socket.close()


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the bot's process owns Ctrl-C and stops the
    dashboard by cancelling it, like any other of its tasks."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0: a free one), so that a port in use is a clear
    error here rather than an exit inside uvicorn."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def serve(app: Starlette, sock: socket.socket) -> None:
    """Serve `app` on `sock` until cancelled; then finish the requests in flight."""
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = _Server(config)
    task = asyncio.ensure_future(server.serve(sockets=[sock]))
    try:
        await asyncio.shield(task)
    finally:
        server.should_exit = True
        await task
        sock.close()
