"""What operators look at: the whole store's activity, and people and chats listed with their
numbers. The bot itself never asks these; the dashboard does."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, distinct, func, select

from storage.counts import between
from storage.models import Analysis, Chat, DigestRun, Person
from storage.records import ChatRef, ChatSettings, PersonPreferences, PersonRef
from storage.rows import chat_ref_of, choices_of
from storage.summaries import DayCounts, EmotionCounts


@dataclass(frozen=True)
class Activity:
    """Every chat's photos over `start`..`end` (UTC midnights, end exclusive): per day, per
    dominant emotion, and how many people and chats sent them; with the store's totals."""

    start: datetime
    end: datetime
    days: tuple[DayCounts, ...]
    emotions: EmotionCounts
    active_people: int
    active_chats: int
    people: int
    chats: int

    @property
    def photos(self) -> int:
        return sum(day.photos for day in self.days)


@dataclass(frozen=True)
class PersonListing:
    """A person with their choices, when first seen, and how many analyses are held of them."""

    person: PersonRef
    preferences: PersonPreferences
    first_seen: datetime
    analyses: int
    last_seen: datetime | None


@dataclass(frozen=True)
class ChatListing:
    """A chat with its settings, its analyses and when its latest digest was claimed."""

    chat: ChatRef
    settings: ChatSettings
    analyses: int
    last_digest: datetime | None


def active_in(start: datetime, end: datetime) -> Select[Any]:
    """How many distinct people and chats sent photos in the window."""
    return select(
        func.count(distinct(Analysis.person_id)), func.count(distinct(Analysis.chat_id))
    ).where(between(start, end))


TOTALS = select(select(func.count()).select_from(Person).scalar_subquery()).add_columns(
    select(func.count()).select_from(Chat).scalar_subquery()
)


def select_people() -> Select[Any]:
    """People with their analyses counted and their latest one's time."""
    held = (
        select(
            Analysis.person_id,
            func.count().label("analyses"),
            func.max(Analysis.created_at).label("last_seen"),
        )
        .group_by(Analysis.person_id)
        .subquery()
    )
    return (
        select(Person, func.coalesce(held.c.analyses, 0).label("analyses"), held.c.last_seen)
        .outerjoin(held, held.c.person_id == Person.id)
        .order_by(Person.id)
    )


def person_listing(row: Any) -> PersonListing:
    """A row of `select_people` as a PersonListing."""
    return PersonListing(
        PersonRef(row.platform, row.platform_user_id, row.display_name, row.language),
        choices_of(PersonPreferences, row),
        row.created_at,
        row.analyses,
        row.last_seen,
    )


def select_chats() -> Select[Any]:
    """Chats with their analyses counted and their latest digest claim's time."""
    held = (
        select(Analysis.chat_id, func.count().label("analyses"))
        .group_by(Analysis.chat_id)
        .subquery()
    )
    digests = (
        select(DigestRun.chat_id, func.max(DigestRun.claimed_at).label("last_digest"))
        .group_by(DigestRun.chat_id)
        .subquery()
    )
    return (
        select(Chat, func.coalesce(held.c.analyses, 0).label("analyses"), digests.c.last_digest)
        .outerjoin(held, held.c.chat_id == Chat.id)
        .outerjoin(digests, digests.c.chat_id == Chat.id)
        .order_by(Chat.id)
    )


def chat_listing(row: Any) -> ChatListing:
    """A row of `select_chats` as a ChatListing."""
    return ChatListing(
        chat_ref_of(row), choices_of(ChatSettings, row), row.analyses, row.last_digest
    )
