"""A fake Telegram Bot API on 127.0.0.1: the real python-telegram-bot talks to it over HTTP.

It answers the methods ferbot uses the way Telegram does (status codes, long polling with
offsets, 429 with retry_after), records every call, and plays the people: tests push the
updates a person's actions would produce (`photo_update`, `command_update`, `press_update`)
and wait on what the bot sent back (`wait_for`), never on the clock.
"""

import asyncio
import contextlib
import hashlib
import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web

from tests.fakes.faults import Fault, FaultKind, Faults

TOKEN = "123456:FAKE-TOKEN-never-logged"
BOT = {"id": 123456, "is_bot": True, "first_name": "ferbot", "username": "ferbot_test_bot"}
_DOWNLOAD_LIMIT = 20_000_000  # what Telegram lets a bot download
# Telegram's flood control answers these with "429 Too Many Requests" during a storm.
_RATE_LIMITED = {
    "sendmessage",
    "sendphoto",
    "editmessagetext",
    "editmessagecaption",
    "sendchataction",
}
_JSON_FIELDS = {"reply_markup", "reply_parameters", "commands", "allowed_updates", "entities"}
# What getChatMember tells of an administrator: every right, as PTB requires them all.
ADMIN_RIGHTS = {
    "can_be_edited": True,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": True,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
    "is_anonymous": False,
}


@dataclass(frozen=True)
class Person:
    """Someone using Telegram; their private chat with the bot has their id."""

    id: int
    first_name: str
    language_code: str = "en"

    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }

    def private_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


def group_chat(chat_id: int, title: str) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


@dataclass(frozen=True)
class Call:
    """One Bot API request as the fake understood it; `at` is time.perf_counter()."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float


@dataclass(frozen=True)
class Sent:
    """A message the bot sent (or edited): where, what, quoting which message, which buttons."""

    method: str
    chat_id: int
    message_id: int
    text: str
    reply_to: int | None
    buttons: tuple[tuple[str, str], ...]
    photo: bytes | None
    at: float
    message: dict[str, Any] = field(repr=False)


@dataclass
class _File:
    data: bytes
    path: str
    size: int


class FakeTelegram:
    """`async with FakeTelegram() as fake:` serves until the block ends, then closes at once."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.downloads: list[str] = []  # file_ids, in the order they were fetched
        self.pushed_at: dict[int, float] = {}  # message_id of a pushed message -> perf_counter
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict[str, Any]] = []
        self._offset = 0
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._files: dict[str, _File] = {}
        self._paths: dict[str, str] = {}  # file_path -> file_id
        self._answers: dict[int, asyncio.Future[Sent]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._kept: dict[int, dict[str, Any]] = {}  # message_id -> the bot's message as it is
        self._statuses: dict[tuple[int, int], str] = {}
        self._failures: dict[str, list[Fault]] = {}
        # 500s, dropped connections and 429 storms, switched on by tests: on Bot API methods,
        # and on file downloads.
        self.faults = Faults()
        self.download_faults = Faults()
        self._arrived = asyncio.Event()
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # The access log would print every path, and with it the token.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing = True
        self._arrived.set()  # wakes held long polls so the server closes at once
        assert self._runner is not None
        await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- what people do -------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        update = {"update_id": next(self._update_ids), **update}
        self._updates.append(update)
        message = update.get("message")
        if message is not None:
            self.pushed_at[message["message_id"]] = time.perf_counter()
        self._arrived.set()
        self._arrived = asyncio.Event()
        return update["update_id"]

    def photo_update(
        self,
        person: Person,
        data: bytes,
        chat: dict[str, Any] | None = None,
        *,
        caption: str | None = None,
        reply_to: dict[str, Any] | None = None,
        media_group_id: str | None = None,
        as_document: str | None = None,
        claimed_size: int | None = None,
    ) -> dict[str, Any]:
        """A photo in two sizes (a thumbnail that is no picture at all, then the real one), or
        with `as_document` a file of that MIME type. Mentions in the caption become entities."""
        content: dict[str, Any] = {}
        real = self.add_file(data, "documents" if as_document else "photos")
        size = len(data) if claimed_size is None else claimed_size
        if as_document:
            content["document"] = {
                **real,
                "file_size": size,
                "file_name": "picture",
                "mime_type": as_document,
            }
        else:
            thumbnail = self.add_file(b"thumbnail", "photos")
            content["photo"] = [
                {**thumbnail, "width": 90, "height": 90, "file_size": len(b"thumbnail")},
                {**real, "width": 800, "height": 600, "file_size": size},
            ]
        if caption is not None:
            content["caption"] = caption
            content["caption_entities"] = _mentions(caption)
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        return {"message": self._message(person, chat, content)}

    def command_update(
        self, person: Person, text: str, chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        command = text.split()[0]
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
        return {"message": self._message(person, chat, {"text": text, "entities": [entity]})}

    def press_update(self, person: Person, sent: Sent, label: str) -> dict[str, Any]:
        """`person` presses the button labelled `label` under the bot's message `sent`."""
        data = dict(sent.buttons)[label]
        query = {
            "id": str(next(self._message_ids)),
            "from": person.user(),
            "chat_instance": "fake-instance",
            "data": data,
            "message": sent.message,
        }
        return {"callback_query": query}

    def add_file(self, data: bytes, folder: str = "photos") -> dict[str, Any]:
        """Store a file people sent; its path never names a file of the working directory."""
        number = next(self._file_ids)
        file_id = f"file-{number}"
        self._files[file_id] = _File(data, f"{folder}/file_{number}.jpg", len(data))
        self._paths[self._files[file_id].path] = file_id
        return {"file_id": file_id, "file_unique_id": f"unique-{number}"}

    # --- how the fake behaves -------------------------------------------------------------

    def fail_next(self, method: str, times: int, retry_after: int = 1) -> None:
        """The next `times` calls of `method` get "429 Too Many Requests: retry after N"."""
        self._failures.setdefault(method.lower(), []).extend([Fault("429", retry_after)] * times)

    def break_next(self, method: str, times: int, kind: FaultKind = "500") -> None:
        """The next `times` calls of `method` get a 500, or with kind "drop" no answer at all."""
        self._failures.setdefault(method.lower(), []).extend([Fault(kind)] * times)

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """getChatMember's answer: "creator", "administrator" or "member" (the default)."""
        self._statuses[(chat_id, user_id)] = status

    # --- what tests look at ---------------------------------------------------------------

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 60) -> None:
        """Until `condition()` holds, re-checked after every call the fake answers."""
        async with asyncio.timeout(timeout):
            while not condition():
                await self._changed.wait()

    async def answer_to(self, message_id: int) -> Sent:
        """The bot's first message quoting `message_id` (without rescanning every message sent,
        so that hundreds of waiters stay cheap)."""
        return await self._answer_future(message_id)

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method.lower()]

    def sent_to(self, chat_id: int) -> list[Sent]:
        return [sent for sent in self.sent if sent.chat_id == chat_id]

    @property
    def confirmed_below(self) -> int:
        """Every update below this id is confirmed: Telegram will not deliver it again."""
        return self._offset

    def confirmed(self, update_id: int) -> bool:
        """The bot asked for updates after `update_id`: it has taken that one."""
        return self._offset > update_id

    # --- the Bot API ----------------------------------------------------------------------

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"].lower()
        params, files = await _parameters(request)
        call = Call(method, params, files, time.perf_counter())
        try:
            failures = self._failures.get(method)
            fault = failures.pop(0) if failures else None
            fault = fault or self.faults.draw(may_fail=True, may_limit=method in _RATE_LIMITED)
            if fault is not None:
                return _faulty(request, fault)
            answer = getattr(self, f"_{method}", None)
            if answer is None:
                return _error(404, "Not Found")
            result = await answer(call)
            if isinstance(result, web.Response):
                return result
            return web.json_response({"ok": True, "result": result})
        finally:
            self._record(call)

    async def _getme(self, call: Call) -> Any:
        return BOT

    async def _deletewebhook(self, call: Call) -> Any:
        self.webhook = None
        return True

    async def _setwebhook(self, call: Call) -> Any:
        self.webhook = call.params
        return True

    async def _getupdates(self, call: Call) -> Any:
        offset = int(call.params.get("offset", 0))
        timeout = float(call.params.get("timeout", 0))
        limit = int(call.params.get("limit", 100))
        # Telegram forgets updates below the offset: that is how the bot confirms them.
        self._updates = [update for update in self._updates if update["update_id"] >= offset]
        self._offset = max(self._offset, offset)
        self._notify()  # a long poll is recorded only when it ends
        if not self._updates and timeout > 0 and not self._closing:
            arrived = self._arrived
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), timeout)
        return [update for update in self._updates if update["update_id"] >= offset][:limit]

    async def _getfile(self, call: Call) -> Any:
        file_id = call.params["file_id"]
        file = self._files.get(file_id)
        if file is None:
            return _error(400, "Bad Request: invalid file_id")
        if file.size > _DOWNLOAD_LIMIT:
            return _error(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"unique-{file_id}",
            "file_size": file.size,
            "file_path": file.path,
        }

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        fault = self.download_faults.draw(may_fail=True, may_limit=False)
        if fault is not None:
            return _faulty(request, fault)
        file_id = self._paths.get(request.match_info["path"])
        if file_id is None:
            return _error(404, "Not Found")
        self.downloads.append(file_id)
        self._notify()
        return web.Response(body=self._files[file_id].data)

    async def _sendmessage(self, call: Call) -> Any:
        return self._sent(call, {"text": call.params["text"]})

    async def _sendphoto(self, call: Call) -> Any:
        photo = {"file_id": "sent-photo", "file_unique_id": "sent", "width": 1, "height": 1}
        content: dict[str, Any] = {"photo": [photo]}
        if "caption" in call.params:
            content["caption"] = call.params["caption"]
        return self._sent(call, content)

    async def _editmessagetext(self, call: Call) -> Any:
        message_id = int(call.params["message_id"])
        if "photo" in self._kept.get(message_id, {}):
            return _error(400, "Bad Request: there is no text in the message to edit")
        return self._sent(call, {"text": call.params["text"]}, message_id)

    async def _editmessagecaption(self, call: Call) -> Any:
        """The caption (and keyboard) of a picture the bot sent; the picture stays."""
        message_id = int(call.params["message_id"])
        kept = self._kept.get(message_id, {})
        if "photo" not in kept:
            return _error(400, "Bad Request: there is no caption in the message to edit")
        content = {"photo": kept["photo"], "caption": call.params.get("caption", "")}
        return self._sent(call, content, message_id)

    async def _sendchataction(self, call: Call) -> Any:
        return True

    async def _setmycommands(self, call: Call) -> Any:
        return True

    async def _answercallbackquery(self, call: Call) -> Any:
        return True

    async def _getchatmember(self, call: Call) -> Any:
        chat_id, user_id = int(call.params["chat_id"]), int(call.params["user_id"])
        status = self._statuses.get((chat_id, user_id), "member")
        member = {"status": status, "user": {"id": user_id, "is_bot": False, "first_name": "x"}}
        if status == "administrator":
            member |= ADMIN_RIGHTS
        if status == "creator":
            member["is_anonymous"] = False
        return member

    # --- helpers --------------------------------------------------------------------------

    def _message(
        self, person: Person, chat: dict[str, Any] | None, content: dict[str, Any]
    ) -> dict[str, Any]:
        chat = chat or person.private_chat()
        self._chats[chat["id"]] = chat
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": person.user(),
            **content,
        }

    def _sent(
        self, call: Call, content: dict[str, Any], message_id: int | None = None
    ) -> dict[str, Any]:
        chat_id = int(call.params["chat_id"])
        message = {
            "message_id": message_id or next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
            "from": BOT,
            **content,
        }
        markup = call.params.get("reply_markup")
        if markup:
            message["reply_markup"] = markup
        quoted = call.params.get("reply_parameters")
        sent = Sent(
            method=call.method,
            chat_id=chat_id,
            message_id=message["message_id"],
            text=content.get("text", content.get("caption", "")),
            reply_to=int(quoted["message_id"]) if quoted else None,
            buttons=tuple(_buttons(markup)),
            photo=call.files.get("photo"),
            at=call.at,
            message=message,
        )
        self.sent.append(sent)
        self._kept[sent.message_id] = message
        if sent.reply_to is not None and not self._answer_future(sent.reply_to).done():
            self._answer_future(sent.reply_to).set_result(sent)
        return message

    def _answer_future(self, message_id: int) -> "asyncio.Future[Sent]":
        if message_id not in self._answers:
            self._answers[message_id] = asyncio.get_running_loop().create_future()
        return self._answers[message_id]

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()


async def _parameters(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Form, multipart, JSON and query-string parameters alike; JSON-valued fields decoded."""
    params: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    if request.content_type == "application/json":
        params |= await request.json()
    elif request.can_read_body:
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                files[name] = value.file.read()
            else:
                params[name] = value
    for name in _JSON_FIELDS & params.keys():
        if isinstance(params[name], str):
            params[name] = json.loads(params[name])
    return params, files


def _buttons(markup: dict[str, Any] | None) -> Iterator[tuple[str, str]]:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            yield button["text"], button["callback_data"]


def _mentions(text: str) -> list[dict[str, Any]]:
    return [
        {"type": "mention", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m[0])}
        for m in re.finditer(r"@\w+", text)
    ]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _faulty(request: web.Request, fault: Fault) -> web.Response:
    """The answer a `fault` gives: a 500, a 429 with its retry_after, or none at all (the
    connection is cut, as a crashing proxy would)."""
    if fault.kind == "drop":
        assert request.transport is not None
        request.transport.abort()
        return web.Response()
    if fault.kind == "429":
        retry = fault.retry_after
        return _error(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
    return _error(500, "Internal Server Error")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
