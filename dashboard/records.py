"""The record views: people, chats, analyses and digest claims as sqladmin lists, read-only,
searchable and sortable; analyses filtered by platform, chat, emotion and date.

Nothing here writes: forgetting a person and pausing digests go through the store on the
dashboard's own pages, which log who did it. sqladmin's pages take the dashboard's login
(its own login and logout pages send the operator to the dashboard's).
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar

from sqladmin import Admin, ModelView
from sqladmin.authentication import AuthenticationBackend
from sqladmin.filters import ForeignKeyFilter, StaticValuesFilter
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard.auth import Operators, to_login
from storage import EMOTIONS
from storage.models import Analysis, Chat, DigestRun, Person

BASE_URL = "/records"


class PlatformFilter:
    """Analyses of one platform (the sender's: a chat and its people share one)."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"
    title = "Platform"
    parameter_name = "platform"

    async def lookups(
        self, request: Request, model: Any, run_query: Callable[[Select[Any]], Any]
    ) -> list[tuple[str, str]]:
        platforms = await run_query(select(Person.platform).distinct().order_by(Person.platform))
        return [("__all", "All")] + [(row[0], row[0]) for row in platforms]

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        if value in (None, "", "__all"):
            return query
        return query.join(Person, Person.id == Analysis.person_id).where(Person.platform == value)


class DayFilter:
    """Analyses sent on, from or before a UTC day written as YYYY-MM-DD."""

    has_operator = True
    template = "sqladmin/filters/operation_filter.html"
    title = "Date (UTC, YYYY-MM-DD)"
    parameter_name = "day"
    _OPERATIONS: ClassVar[list[tuple[str, str]]] = [
        ("on", "On"),
        ("from", "On or after"),
        ("before", "Before"),
    ]

    def get_operation_options_for_model(self, model: Any) -> list[tuple[str, str]]:
        return self._OPERATIONS

    async def lookups(self, *_: Any) -> list[tuple[str, str]]:
        return []

    async def get_filtered_query(
        self, query: Select[Any], operation: str, value: Any, model: Any
    ) -> Select[Any]:
        try:
            start = datetime.combine(date.fromisoformat(str(value).strip()), time(), UTC)
        except ValueError:
            return query
        end = start + timedelta(days=1)
        if operation == "on":
            return query.where(Analysis.created_at >= start, Analysis.created_at < end)
        if operation == "from":
            return query.where(Analysis.created_at >= start)
        if operation == "before":
            return query.where(Analysis.created_at < start)
        return query


class _ReadOnly(ModelView):
    can_create = False
    can_edit = False
    can_delete = False
    can_export = False
    page_size = 50


class PersonRecords(_ReadOnly, model=Person):
    name, name_plural, icon = "Person", "People", "fa-solid fa-user"
    column_list: ClassVar[list[Any]] = [
        Person.id,
        Person.platform,
        Person.platform_user_id,
        Person.display_name,
        Person.language,
        Person.timezone,
        Person.opt_out_history,
        Person.opt_out_summaries,
        Person.created_at,
    ]
    column_searchable_list: ClassVar[list[Any]] = [Person.display_name, Person.platform_user_id]
    column_sortable_list: ClassVar[list[Any]] = [Person.id, Person.display_name, Person.created_at]


class ChatRecords(_ReadOnly, model=Chat):
    name, name_plural, icon = "Chat", "Chats", "fa-solid fa-comments"
    column_list: ClassVar[list[Any]] = [
        Chat.id,
        Chat.platform,
        Chat.platform_chat_id,
        Chat.kind,
        Chat.title,
        Chat.timezone,
        Chat.summary_cron,
        Chat.negative_alert_share,
        Chat.digests_paused,
        Chat.auto_analysis,
        Chat.created_at,
    ]
    column_searchable_list: ClassVar[list[Any]] = [Chat.title, Chat.platform_chat_id]
    column_sortable_list: ClassVar[list[Any]] = [Chat.id, Chat.title, Chat.created_at]


class AnalysisRecords(_ReadOnly, model=Analysis):
    name, name_plural, icon = "Analysis", "Analyses", "fa-solid fa-face-smile"
    column_list: ClassVar[list[Any]] = [
        Analysis.id,
        Analysis.created_at,
        Analysis.person_id,
        Analysis.chat_id,
        Analysis.dominant_emotion,
        Analysis.face_count,
        Analysis.model_version,
        Analysis.latency_ms,
    ]
    column_sortable_list: ClassVar[list[Any]] = [
        Analysis.id,
        Analysis.created_at,
        Analysis.latency_ms,
    ]
    column_default_sort: ClassVar[list[tuple[Any, bool]]] = [(Analysis.id, True)]
    column_filters: ClassVar[list[Any]] = [
        PlatformFilter(),
        ForeignKeyFilter(Analysis.chat_id, Chat.title, title="Chat"),
        StaticValuesFilter(Analysis.dominant_emotion, [(e, e) for e in EMOTIONS], title="Emotion"),
        DayFilter(),
    ]


class DigestRecords(_ReadOnly, model=DigestRun):
    name, name_plural, icon = "Digest", "Digests", "fa-solid fa-calendar"
    column_list: ClassVar[list[Any]] = [
        DigestRun.id,
        DigestRun.chat_id,
        DigestRun.due_at,
        DigestRun.claimed_at,
    ]
    column_default_sort: ClassVar[list[tuple[Any, bool]]] = [(DigestRun.id, True)]


class DashboardLogin(AuthenticationBackend):
    """sqladmin's pages behind the dashboard's own login and sessions."""

    def __init__(self, operators: Operators) -> None:
        # No middleware of its own: the dashboard's session middleware already runs.
        self.middlewares = []
        self._operators = operators

    async def authenticate(self, request: Request) -> Response | bool:
        if self._operators.operator_of(request) is None:
            return to_login(request)
        return True

    async def login(self, request: Request) -> Response | bool:
        return RedirectResponse("/login", status_code=303)

    async def logout(self, request: Request) -> Response | bool:
        # Logging out is a form with a CSRF token, on the dashboard's pages.
        return RedirectResponse("/", status_code=303)


class RefuseWrites:
    """Only GET and HEAD reach the record views: they change nothing, so they take no form
    that would need a CSRF token (sqladmin's create, edit and delete are switched off too)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD"):
            response = PlainTextResponse("The records are read-only.", status_code=405)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def mount_records(app: Starlette, engine: AsyncEngine, operators: Operators) -> Admin:
    """Serve the record views under BASE_URL on `engine` (the store's), to `operators`."""
    admin = Admin(
        app,
        engine=engine,
        base_url=BASE_URL,
        title="ferbot records",
        authentication_backend=DashboardLogin(operators),
        middlewares=[Middleware(RefuseWrites)],
    )
    for view in (PersonRecords, ChatRecords, AnalysisRecords, DigestRecords):
        admin.add_view(view)
    return admin
