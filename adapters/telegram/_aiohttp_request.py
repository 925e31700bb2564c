"""python-telegram-bot's HTTP layer on aiohttp instead of httpx: the same requests and errors,
at a fraction of the CPU per request once many chats are answered at once."""

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.retry import retrying

_READ_TIMEOUT_S = 5.0  # PTB's defaults for its own httpx transport
_CONNECT_TIMEOUT_S = 5.0


class _ServerError(Exception):
    """Telegram answered 5xx: worth another try; if none helps, PTB gets the answer as is."""

    def __init__(self, status: int, body: bytes) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


class AiohttpRequest(BaseRequest):
    """One aiohttp session with up to `connections` connections; a request answered 5xx or
    whose connection broke is tried again up to `retries` times (a timeout is not: PTB's
    callers decide about those).

    httpx's connection pool walks every connection for every request, so with hundreds of
    concurrent chats most of the bot's CPU went into pool bookkeeping (see BENCHMARKS.md).
    Error messages never carry the URL, since it holds the token.
    """

    def __init__(self, connections: int, retries: int = 0) -> None:
        self._connections = connections
        self._retries = retries
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float:
        return _READ_TIMEOUT_S

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._connections),
                trust_env=True,  # HTTPS_PROXY and NO_PROXY, as httpx honours them
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = BaseRequest.DEFAULT_NONE,
        write_timeout: object = BaseRequest.DEFAULT_NONE,
        connect_timeout: object = BaseRequest.DEFAULT_NONE,
        pool_timeout: object = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """PTB asks with its timeouts (long polls pass a longer read timeout); aiohttp has no
        write or pool timeout, so those two are not applied."""
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        timeout = aiohttp.ClientTimeout(
            sock_read=_given(read_timeout, _READ_TIMEOUT_S),
            sock_connect=_given(connect_timeout, _CONNECT_TIMEOUT_S),
        )
        session = self._session

        async def attempt() -> tuple[int, bytes]:
            async with session.request(
                method,
                url,
                data=_body(request_data),  # anew each time: a form is spent once sent
                timeout=timeout,
                headers={"User-Agent": self.USER_AGENT},
            ) as response:
                body = await response.read()
                if response.status >= 500:
                    raise _ServerError(response.status, body)
                return response.status, body

        try:
            return await retrying(attempt, _transient, self._retries, "a Telegram request")
        except _ServerError as exc:
            return exc.status, exc.body
        except TimeoutError as exc:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from None


def _transient(exc: Exception) -> bool:
    """A 5xx or a broken connection; aiohttp's timeouts are connection errors too, but a
    request that timed out may still be carried out, so it is not sent again here."""
    if isinstance(exc, TimeoutError):
        return False
    return isinstance(exc, _ServerError | aiohttp.ClientConnectionError)


def _given(value: object, default: float) -> float | None:
    """PTB's argument, or `default` where PTB passed its "not given" marker."""
    return value if value is None or isinstance(value, float | int) else default


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields, or a multipart form when files go up (sendPhoto)."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields or None
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
