"""How the store's records become table rows, and rows become records again."""

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, select

from storage.emotions import EMOTIONS
from storage.models import Analysis, Chat, Person
from storage.records import (
    AnalysisRecord,
    ChatRef,
    ChatSettings,
    FaceRecord,
    PersonPreferences,
    PersonRef,
)

Choices = TypeVar("Choices", PersonPreferences, ChatSettings)


def person_key(person: PersonRef) -> tuple[str, str]:
    """What makes a person unique: their platform and their id there."""
    return person.platform, person.user_id


def chat_key(chat: ChatRef) -> tuple[str, str]:
    """What makes a chat unique: its platform and its id there."""
    return chat.platform, chat.chat_id


def is_person(platform: Any, user_id: Any) -> ColumnElement[bool]:
    """The condition that finds one person's row (through its unique index); values or
    bound parameters."""
    return (Person.platform == platform) & (Person.platform_user_id == user_id)


def is_chat(platform: Any, chat_id: Any) -> ColumnElement[bool]:
    """The condition that finds one chat's row (through its unique index); values or bound
    parameters."""
    return (Chat.platform == platform) & (Chat.platform_chat_id == chat_id)


def person_row(
    person: PersonRef, preferences: PersonPreferences, first_seen: datetime
) -> dict[str, Any]:
    """A person with their choices as a row of `people`."""
    return {
        "platform": person.platform,
        "platform_user_id": person.user_id,
        "display_name": person.display_name,
        "created_at": first_seen,
        **choice_columns(preferences),
    }


def chat_row(chat: ChatRef, settings: ChatSettings, first_seen: datetime) -> dict[str, Any]:
    """A chat with its settings as a row of `chats`."""
    return {
        "platform": chat.platform,
        "platform_chat_id": chat.chat_id,
        "kind": chat.kind,
        "title": chat.title,
        "created_at": first_seen,
        **choice_columns(settings),
    }


def choice_columns(choices: PersonPreferences | ChatSettings) -> dict[str, Any]:
    """A person's preferences or a chat's settings as columns of its row (which bear the
    fields' names)."""
    return asdict(choices)


def choices_of(kind: type[Choices], row: Row[Any]) -> Choices:
    """A person's preferences or a chat's settings, read from its row."""
    return kind(**{field.name: getattr(row, field.name) for field in fields(kind)})


def chat_ref_of(chat: Row[Any]) -> ChatRef:
    """A chat as its platform names it, read from its row."""
    return ChatRef(chat.platform, chat.platform_chat_id, chat.kind, chat.title)


def analysis_row(analysis: AnalysisRecord, person_id: int, chat_id: int) -> dict[str, Any]:
    """An analysis as a row of `analyses`; the faces' probabilities go in EMOTIONS order."""
    return {
        "person_id": person_id,
        "chat_id": chat_id,
        "platform_message_id": analysis.message_id,
        "created_at": analysis.at,
        "face_count": len(analysis.faces),
        "dominant_emotion": analysis.dominant_emotion,
        "faces": [
            {
                "probabilities": [face.probabilities[emotion] for emotion in EMOTIONS],
                "caption": face.caption,
                "comment": face.comment,
            }
            for face in analysis.faces
        ],
        "model_version": analysis.model_version,
        "latency_ms": analysis.latency_ms,
    }


def select_records() -> Select[Any]:
    """Analyses with their sender and chat, in the columns `record_of` reads."""
    return (
        select(
            Analysis.platform_message_id,
            Analysis.created_at,
            Analysis.dominant_emotion,
            Analysis.faces,
            Analysis.model_version,
            Analysis.latency_ms,
            Person.platform,
            Person.platform_user_id,
            Person.display_name,
            Person.language,
            Chat.platform_chat_id,
            Chat.kind,
            Chat.title,
        )
        .join(Person, Person.id == Analysis.person_id)
        .join(Chat, Chat.id == Analysis.chat_id)
    )


def record_of(row: Row[Any]) -> AnalysisRecord:
    """An analysis as it was recorded, from a row of `select_records`."""
    return AnalysisRecord(
        person=PersonRef(row.platform, row.platform_user_id, row.display_name, row.language),
        chat=ChatRef(row.platform, row.platform_chat_id, row.kind, row.title),
        message_id=row.platform_message_id,
        at=row.created_at,
        faces=tuple(
            FaceRecord(
                dict(zip(EMOTIONS, face["probabilities"], strict=True)),
                face["caption"],
                face.get("comment"),  # analyses recorded before comments were kept have none
            )
            for face in row.faces
        ),
        dominant_emotion=row.dominant_emotion,
        model_version=row.model_version,
        latency_ms=row.latency_ms,
    )
