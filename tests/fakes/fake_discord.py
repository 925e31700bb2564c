"""A fake Discord on 127.0.0.1: the REST API, the gateway and the CDN, in one aiohttp server.

It speaks just enough of Discord for the real discord.py client to log in, sync slash
commands, receive messages and interactions, download attachments and answer. Every
request is recorded; tests wait until the record holds what they expect. Payload shapes
follow Discord's API v10 (and `../shared/notes/discord-fake.md` for what discord.py needs).
"""

import asyncio
import itertools
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from aiohttp import WSMsgType, web

from tests.fakes.faults import Fault, FaultKind, Faults

T = TypeVar("T")
WAIT_LIMIT_S = 30.0  # a guard against a hung test, not a timing expectation

APPLICATION_ID = "900000000000000001"
BOT = {
    "id": APPLICATION_ID,
    "username": "ferbot",
    "discriminator": "0",
    "avatar": None,
    "bot": True,
}
OWNER = {"id": "900000000000000002", "username": "owner", "discriminator": "0", "avatar": None}
GUILD_ID = "910000000000000001"
CHANNEL_ID = "920000000000000001"

DISCORD_EPOCH_MS = 1420070400000
MESSAGE_CONTENT = 1 << 15  # the privileged intent's bit
_JSON = "application/json"  # discord.py compares the header with ==: no charset
# What Discord rate limits during a storm: the bot's messages and its interaction follow-ups.
_RATE_LIMITED = re.compile(r"/channels/\d+/messages|/webhooks/\d+/[^/]+")


@dataclass(frozen=True)
class Call:
    """One request as the fake received it; `body` is the JSON (or multipart payload_json)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: dict[str, bytes]
    status: int
    headers: dict[str, str]
    at: float = field(default_factory=time.perf_counter)


@dataclass
class _RateLimit:
    method: str
    path: re.Pattern[str]
    retry_after: float
    is_global: bool


@dataclass
class FakeDiscord:
    """Start with `async with FakeDiscord(token) as fake`; point the client at `api_url` and
    `gateway_url`; attachments come from `upload`, events from `dispatch`.

    Like Discord, it refuses another token (401, or close code 4004 on the gateway) and the
    Message Content intent unless `message_content_allowed` (close code 4014); a client
    without that intent gets channel messages that do not mention it emptied of their
    content and attachments.
    """

    token: str
    message_content_allowed: bool = False
    calls: list[Call] = field(default_factory=list)
    closes: list[int | None] = field(default_factory=list)
    gateway_ops: list[dict[str, Any]] = field(default_factory=list)
    cdn_requests: list[str] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _files: dict[str, bytes] = field(default_factory=dict)
    _limits: list[_RateLimit] = field(default_factory=list)
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _socket: web.WebSocketResponse | None = None
    _session_open: asyncio.Event = field(default_factory=asyncio.Event)
    # 500s, drops and 429 storms switched on by tests: on the REST API, and on the CDN.
    faults: Faults = field(default_factory=Faults)
    cdn_faults: Faults = field(default_factory=Faults)
    _breaks: list[tuple[str, re.Pattern[str], Fault]] = field(default_factory=list)
    # Every channel's messages, in the order sent: what was dispatched and what the bot posted.
    _history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _refused: dict[re.Pattern[str], tuple[int, Any]] = field(default_factory=dict)
    _seq: int = 0
    _runner: web.AppRunner | None = None
    port: int = 0

    async def __aenter__(self) -> "FakeDiscord":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/resume", self._gateway)
        app.router.add_get("/cdn/{name:.*}", self._cdn)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        listening = socket.socket()
        listening.bind(("127.0.0.1", 0))
        self.port = listening.getsockname()[1]
        await web.SockSite(self._runner, listening).start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._socket is not None:
            await self._socket.close()
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # What tests arrange.

    def new_id(self) -> str:
        """A snowflake of now: discord.py reads a message's time from its id."""
        since_epoch_ms = int(datetime.now(UTC).timestamp() * 1000) - DISCORD_EPOCH_MS
        return str((since_epoch_ms << 22) | (next(self._ids) & 0x3FFFFF))

    def upload(
        self,
        data: bytes,
        filename: str = "photo.jpg",
        content_type: str | None = "image/jpeg",
        size: int | None = None,
    ) -> dict[str, Any]:
        """An attachment payload whose URL the fake CDN serves; `size` may claim more."""
        attachment_id = self.new_id()
        url = f"http://127.0.0.1:{self.port}/cdn/attachments/{attachment_id}/{filename}"
        self._files[f"attachments/{attachment_id}/{filename}"] = data
        payload = {
            "id": attachment_id,
            "filename": filename,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
        }
        if content_type is not None:
            payload["content_type"] = content_type
        return payload

    def break_next(self, method: str, path: str, kind: FaultKind = "500") -> None:
        """The next request matching `method` and `path` (a regex) gets a 500, or with kind
        "drop" no answer at all."""
        self._breaks.append((method, re.compile(path), Fault(kind)))

    def rate_limit_next(
        self, method: str, path: str, retry_after: float, is_global: bool = False
    ) -> None:
        """The next request matching `method` and `path` (a regex) gets a 429."""
        self._limits.append(_RateLimit(method, re.compile(path), retry_after, is_global))

    def refuse(self, path: str, status: int = 403) -> None:
        """Every request to `path` (a regex) from now on is refused with `status`, as Discord
        refuses a channel the bot may not read (403) or one deleted (404)."""
        reasons = {403: (50001, "Missing Access"), 404: (10003, "Unknown Channel")}
        code, message = reasons.get(status, (0, "Refused by the fake"))
        self._refused[re.compile(path)] = (status, {"message": message, "code": code})

    def keep(self, data: dict[str, Any]) -> None:
        """A message sent while the bot is not connected: in its channel's history only."""
        self._history.setdefault(data["channel_id"], []).append(data)

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a DISPATCH once the client has identified (or resumed) on its socket; a
        message is kept in its channel's history as well."""
        await self._wait(self._session_open.wait())
        assert self._socket is not None
        if event == "MESSAGE_CREATE":
            self.keep(data)
        await self._send_event(self._socket, event, self._as_seen(event, data))

    def _as_seen(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """A message as a client without the Message Content intent sees it, if it has not."""
        if event == "MESSAGE_CREATE" and not self._shows_content(data):
            return data | {"content": "", "attachments": [], "embeds": [], "components": []}
        return data

    async def drop_connection(self) -> None:
        """Close the gateway socket as Discord does when it restarts a node (4000: resumable)."""
        await self._wait(self._session_open.wait())
        assert self._socket is not None
        self._session_open.clear()
        await self._socket.close(code=4000, message=b"unknown error")

    def _shows_content(self, message: dict[str, Any]) -> bool:
        (identify, *_) = self.ops(2)
        return (
            identify["d"]["intents"] & MESSAGE_CONTENT != 0
            or "guild_id" not in message
            or any(person["id"] == BOT["id"] for person in message["mentions"])
        )

    # What tests observe.

    def requests(self, method: str, path: str, status: int | None = 200) -> list[Call]:
        """The recorded calls to `method` and `path` (a regex), with that status if given."""
        pattern = re.compile(path)
        return [
            call
            for call in self.calls
            if call.method == method
            and pattern.fullmatch(call.path)
            and (status is None or call.status == status)
        ]

    def ops(self, op: int) -> list[dict[str, Any]]:
        """Gateway payloads the client sent with opcode `op` (2 IDENTIFY, 6 RESUME...)."""
        return [payload for payload in self.gateway_ops if payload["op"] == op]

    async def until(self, found: Callable[[], T], limit_s: float = WAIT_LIMIT_S) -> T:
        """Wait until `found()` is truthy (re-checked after every request) and return it;
        `limit_s` guards against a hang (longer where a process loads its engine first)."""

        async def watch() -> T:
            async with self._changed:
                while not (result := found()):
                    await self._changed.wait()
                return result

        return await self._wait(watch(), limit_s)

    async def _wait(self, awaitable: Any, limit_s: float = WAIT_LIMIT_S) -> Any:
        async with asyncio.timeout(limit_s):
            return await awaitable

    async def _note(self, change: Callable[[], None]) -> None:
        """Change the record and wake whoever waits in `until`."""
        async with self._changed:
            change()
            self._changed.notify_all()

    # The gateway.

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._socket = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for message in ws:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            await self._note(partial(self.gateway_ops.append, payload))
            if payload["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:
                await self._identify(ws, payload["d"])
            elif payload["op"] == 6:
                await self._send_event(ws, "RESUMED", {})
                self._session_open.set()
        await self._note(partial(self.closes.append, ws.close_code))
        return ws

    async def _identify(self, ws: web.WebSocketResponse, identify: dict[str, Any]) -> None:
        if identify["token"] != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if identify["intents"] & MESSAGE_CONTENT and not self.message_content_allowed:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        ready = {
            "v": 10,
            "user": BOT,
            "session_id": "fake-session",
            "resume_gateway_url": f"{self.gateway_url}/resume",
            "guilds": [{"id": GUILD_ID, "unavailable": True}],
            "application": {"id": APPLICATION_ID, "flags": 0},
        }
        await self._send_event(ws, "READY", ready)
        await self._send_event(ws, "GUILD_CREATE", _guild())
        self._session_open.set()

    async def _send_event(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    # The CDN.

    async def _cdn(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.cdn_requests.append(name)
        fault = self.cdn_faults.draw(may_fail=True, may_limit=False)
        if fault is not None:
            return _faulty(request, fault)
        if name not in self._files:
            return web.Response(status=404)
        return web.Response(body=self._files[name], content_type="application/octet-stream")

    # The REST API.

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        body, files = await _read_body(request)
        limited = request.method == "POST" and _RATE_LIMITED.fullmatch(path) is not None
        fault = self._broken(request.method, path) or self.faults.draw(
            may_fail=True, may_limit=limited
        )
        if fault is not None:
            status = {"500": 500, "429": 429}.get(fault.kind, 0)
            call = Call(request.method, path, dict(request.query), body, files, status, {})
            await self._note(partial(self.calls.append, call))
            return _faulty(request, fault)
        status, answer = (
            self._unauthorized(request, path)
            or self._refusal(path)
            or self._limited(request.method, path)
            or self._answer(request.method, path, dict(request.query), body)
        )
        headers = dict(request.headers)
        call = Call(request.method, path, dict(request.query), body, files, status, headers)
        await self._note(partial(self.calls.append, call))
        extra = {"Via": "1.1 google"} if status == 429 else {}
        if answer is None:
            return web.Response(status=status, headers=extra)
        data = json.dumps(answer).encode()
        return web.Response(status=status, body=data, content_type=_JSON, headers=extra)

    def _unauthorized(self, request: web.Request, path: str) -> tuple[int, Any] | None:
        # Interaction callbacks and follow-ups are authorised by the interaction's token.
        if path.startswith(("/webhooks/", "/interactions/")):
            return None
        if request.headers.get("Authorization") == f"Bot {self.token}":
            return None
        return 401, {"message": "401: Unauthorized", "code": 0}

    def _broken(self, method: str, path: str) -> Fault | None:
        for brake in self._breaks:
            if brake[0] == method and brake[1].fullmatch(path):
                self._breaks.remove(brake)
                return brake[2]
        return None

    def _refusal(self, path: str) -> tuple[int, Any] | None:
        for pattern, refusal in self._refused.items():
            if pattern.fullmatch(path):
                return refusal
        return None

    def _limited(self, method: str, path: str) -> tuple[int, Any] | None:
        for limit in self._limits:
            if limit.method == method and limit.path.fullmatch(path):
                self._limits.remove(limit)
                # discord.py waits only when the 429 carries `Via` and a JSON retry_after.
                message = "You are being rate limited."
                answer = {"message": message, "retry_after": limit.retry_after}
                return 429, answer | {"global": limit.is_global}
        return None

    def _answer(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if method == "GET" and path == "/users/@me":
            return 200, BOT
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, _application()
        if method == "PUT" and re.fullmatch(r"/applications/\d+(/guilds/\d+)?/commands", path):
            return 200, [self._command(command) for command in body]
        if method == "GET" and (match := re.fullmatch(r"/channels/(\d+)/messages", path)):
            return 200, self._page(match[1], query)
        if method == "POST" and (match := re.fullmatch(r"/channels/(\d+)/messages", path)):
            posted = self._message(match[1], body)
            self.keep(posted)
            return 200, posted
        if method == "POST" and (
            match := re.fullmatch(r"/interactions/(\d+)/[^/]+/callback", path)
        ):
            return 200, _callback(match[1], body)
        if method == "POST" and re.fullmatch(r"/webhooks/\d+/[^/]+", path):
            return 200, self._message(CHANNEL_ID, body)
        if method in ("PATCH", "DELETE") and re.fullmatch(r"/webhooks/\d+/[^/]+/messages/.+", path):
            return (204, None) if method == "DELETE" else (200, self._message(CHANNEL_ID, body))
        return 404, {"message": "Unknown route in the fake", "code": 0}

    def _command(self, command: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.new_id(),
            "application_id": APPLICATION_ID,
            "version": "1",
            "default_member_permissions": command.get("default_member_permissions"),
            "type": command.get("type", 1),
            "name": command["name"],
            "description": command.get("description", ""),
            "options": command.get("options", []),
            "nsfw": False,
        }

    def _message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        posted = message(
            self.new_id(),
            channel_id,
            BOT,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
        )
        reference = body.get("message_reference")
        if reference is not None:
            posted |= {"type": 19, "message_reference": reference | {"channel_id": channel_id}}
        return posted

    def _page(self, channel_id: str, query: dict[str, str]) -> list[dict[str, Any]]:
        """One page of a channel's history as Discord answers it: at most `limit` (up to 100)
        messages before `before`, or the first after `after`, or the latest; newest first
        whichever was asked. Message content as this client may see it."""
        limit = min(int(query.get("limit", "50")), 100)
        sent = sorted(self._history.get(channel_id, []), key=lambda one: int(one["id"]))
        if "after" in query:
            page = [one for one in sent if int(one["id"]) > int(query["after"])][:limit]
        else:
            before = int(query.get("before", str(1 << 63)))
            page = [one for one in sent if int(one["id"]) < before][-limit:]
        return [self._as_seen("MESSAGE_CREATE", one) for one in reversed(page)]


async def _read_body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        files = {name: value.file.read() for name, value in form.items() if hasattr(value, "file")}
        return json.loads(str(form["payload_json"])), files
    if request.can_read_body:
        return await request.json(), {}
    return None, {}


def _faulty(request: web.Request, fault: Fault) -> web.Response:
    """A 500, a 429 discord.py will wait out (`Via` and a JSON retry_after), or the connection
    cut without an answer."""
    if fault.kind == "drop":
        assert request.transport is not None
        request.transport.abort()
        return web.Response()
    if fault.kind == "429":
        answer = {"message": "You are being rate limited.", "retry_after": fault.retry_after}
        data = json.dumps(answer | {"global": False}).encode()
        return web.Response(
            status=429, body=data, content_type=_JSON, headers={"Via": "1.1 google"}
        )
    return web.Response(
        status=500, body=b'{"message": "500: Internal Server Error", "code": 0}', content_type=_JSON
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _application() -> dict[str, Any]:
    return {
        "id": APPLICATION_ID,
        "name": "ferbot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": OWNER,
        "verify_key": "0" * 64,
        "flags": 0,
        "interactions_endpoint_url": None,
    }


def _callback(interaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
    flags = (body.get("data") or {}).get("flags", 0)
    return {
        "interaction": {
            "id": interaction_id,
            "type": body["type"],
            "response_message_id": None,
            "response_message_loading": body["type"] == 5,
            "response_message_ephemeral": bool(flags & 64),
        },
        "resource": {"type": body["type"]},
    }


def _guild() -> dict[str, Any]:
    everyone = {
        "id": GUILD_ID,
        "name": "@everyone",
        "permissions": "0",
        "position": 0,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
    channel = {"id": CHANNEL_ID, "type": 0, "name": "photos", "position": 0, "guild_id": GUILD_ID}
    bot_member = {"user": BOT, "roles": [], "joined_at": _now(), "deaf": False, "mute": False}
    return {
        "id": GUILD_ID,
        "name": "Friends",
        "owner_id": OWNER["id"],
        "channels": [channel],
        "roles": [everyone],
        "members": [bot_member | {"flags": 0}],
        "member_count": 2,
        "unavailable": False,
        "large": False,
        "features": [],
        "emojis": [],
        "stickers": [],
        "threads": [],
    }


def user(user_id: str, name: str) -> dict[str, Any]:
    """A person's user object; `name` is the display name they chose (any characters)."""
    return {
        "id": user_id,
        "username": f"user{user_id[-4:]}",
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
    }


def member(person: dict[str, Any], permissions: str = "0") -> dict[str, Any]:
    """A guild member object (with their permissions in the channel, for interactions)."""
    return {
        "user": person,
        "roles": [],
        "joined_at": _now(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": permissions,
    }


def message(
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    *,
    content: str = "",
    attachments: list[dict[str, Any]] | None = None,
    mentions: list[dict[str, Any]] | None = None,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    guild: bool = False,
    replying_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message object as MESSAGE_CREATE brings it (with `guild`: in the fake's guild;
    `replying_to`: a reply to that message, which does not ping its author)."""
    payload = {
        "id": message_id,
        "channel_id": channel_id,
        "type": 0,
        "content": content,
        "author": author,
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "mentions": mentions or [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": _now(),
        "edited_timestamp": None,
        "flags": 0,
    }
    if guild:
        payload["guild_id"] = GUILD_ID
        payload["member"] = {k: v for k, v in member(author).items() if k != "user"}
    if replying_to is not None:
        reference = {"message_id": replying_to["id"], "channel_id": channel_id}
        payload |= {"type": 19, "message_reference": reference, "referenced_message": replying_to}
    return payload


def interaction(
    interaction_id: str,
    person: dict[str, Any],
    data: dict[str, Any],
    *,
    kind: int = 2,
    channel_id: str,
    guild: bool = False,
    permissions: str = "0",
    locale: str = "en-US",
    message_payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE payload: kind 2 a slash command, 3 a button press."""
    payload: dict[str, Any] = {
        "id": interaction_id,
        "application_id": APPLICATION_ID,
        "type": kind,
        "token": f"interaction-token-{interaction_id}",
        "version": 1,
        "data": data,
        "locale": locale,
        "attachment_size_limit": 25 * 1024 * 1024,
        "app_permissions": "0",
        "channel_id": channel_id,
        "entitlements": [],
        "authorizing_integration_owners": {},
    }
    if guild:
        payload |= {
            "guild_id": GUILD_ID,
            "guild_locale": "en-US",
            "channel": {"id": channel_id, "type": 0, "name": "photos", "guild_id": GUILD_ID},
            "member": member(person, permissions),
            "context": 0,
        }
    else:
        payload |= {
            "channel": {"id": channel_id, "type": 1, "recipients": [person]},
            "user": person,
            "context": 1,
        }
    if message_payload is not None:
        payload["message"] = message_payload
    return payload
