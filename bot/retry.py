"""Trying a network call again after a transient failure (a 5xx, a cut connection), for the
adapters: one platform hiccup must not cost a person their answer."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
FIRST_DELAY_S = 0.5  # then 1 s, 2 s...


async def retrying(
    call: Callable[[], Awaitable[T]],
    transient: Callable[[Exception], bool],
    retries: int,
    doing: str,
) -> T:
    """`call()`; when it raises an error `transient` accepts, again after 0.5 s, 1 s, 2 s...
    up to `retries` more times, then the last error is raised. A call that reached the
    server before the connection broke may take effect twice: for a reply, twice beats never.
    """
    delay = FIRST_DELAY_S
    for attempt in range(retries + 1):
        try:
            return await call()
        except Exception as exc:
            if attempt == retries or not transient(exc):
                raise
            # The error's name only: a library's message may hold a URL, and a URL a token.
            log.info("%s failed (%s); trying again in %.1f s", doing, type(exc).__name__, delay)
        await asyncio.sleep(delay)
        delay *= 2
    raise AssertionError("unreachable: the last attempt returns or raises")
