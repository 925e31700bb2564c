"""The tables: people, chats, analyses, corrections, and claims of digests and maintenance
runs. Photos are never stored, only what was seen in them.

Every change to these classes needs a migration in storage/migrations/versions/;
tests/storage/test_migrations.py fails while the two disagree.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.column_types import AnyText, Id, UtcDateTime
from storage.emotions import EMOTIONS
from storage.records import CHAT_KINDS

# Constraint names are fixed so that a later migration can name what it alters or drops
# (SQLite rebuilds a table to alter it, and needs every constraint to have a name).
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Base(DeclarativeBase):
    """The declarative base holding every table's metadata."""

    metadata = MetaData(naming_convention=NAMING)


class Person(Base):
    """Someone who sent a photo, unique per platform; with their preferences and opt-outs."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(AnyText())
    platform_user_id: Mapped[str] = mapped_column(AnyText())
    display_name: Mapped[str] = mapped_column(AnyText())
    language: Mapped[str | None] = mapped_column(AnyText())
    timezone: Mapped[str] = mapped_column(String(64))
    opt_out_history: Mapped[bool]
    opt_out_summaries: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Chat(Base):
    """A conversation the bot is in, unique per platform; with its summary settings."""

    __tablename__ = "chats"
    __table_args__ = (
        UniqueConstraint("platform", "platform_chat_id"),
        CheckConstraint(_one_of("kind", CHAT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(AnyText())
    platform_chat_id: Mapped[str] = mapped_column(AnyText())
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(AnyText())
    timezone: Mapped[str] = mapped_column(String(64))
    summary_cron: Mapped[str | None] = mapped_column(AnyText())
    summary_min_photos: Mapped[int] = mapped_column(Integer)
    negative_alert_share: Mapped[float | None] = mapped_column(Float)
    auto_analysis: Mapped[bool]
    language: Mapped[str | None] = mapped_column(String(16))
    digests_paused: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DigestRun(Base):
    """A scheduled digest claimed for sending: one row per (chat, due time), whichever bot
    process claims it first. A restart or a second process finds the claim and sends nothing."""

    __tablename__ = "digest_runs"
    __table_args__ = (UniqueConstraint("chat_id", "due_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey(Chat.id, ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class MaintenanceRun(Base):
    """A daily maintenance job (the retention purge) claimed for one due time: whichever bot
    replica claims it first runs it, so two replicas never both do."""

    __tablename__ = "maintenance_runs"
    __table_args__ = (UniqueConstraint("job", "due_at"),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Analysis(Base):
    """One photo's analysis: who sent it, where, when, and what the model saw.

    `dominant_emotion` is a column because every summary counts it: the summaries read only
    the indexes below (person or chat, time, emotion) and never the faces. The faces' seven
    probabilities and captions are one JSON list on the row (`[{"probabilities": [seven
    numbers in EMOTIONS order], "caption": ...}]`): they are written once, read back whole
    with their analysis (history, export) and never filtered on, so a child table would only
    add a row per face to write, a join to read and an index to keep up.

    Indexes: (person, time, emotion) serves a person's history and (chat, time, person,
    emotion) a chat's summary, each as a range scan of the index alone; (time) serves the
    retention purge; (chat, message id) is unique, which makes recording idempotent.
    """

    __tablename__ = "analyses"
    __table_args__ = (
        UniqueConstraint("chat_id", "platform_message_id"),
        Index(None, "person_id", "created_at", "dominant_emotion"),
        Index(None, "chat_id", "created_at", "person_id", "dominant_emotion"),
        Index(None, "created_at"),
        CheckConstraint(_one_of("dominant_emotion", EMOTIONS), name="dominant_emotion"),
        CheckConstraint("face_count >= 0", name="face_count"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id))
    chat_id: Mapped[int] = mapped_column(ForeignKey(Chat.id))
    platform_message_id: Mapped[str] = mapped_column(AnyText())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    face_count: Mapped[int] = mapped_column(SmallInteger)
    dominant_emotion: Mapped[str | None] = mapped_column(String(16))
    faces: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(AnyText())
    latency_ms: Mapped[float] = mapped_column(Float)


class Correction(Base):
    """A person's word that a face of their photo shows another emotion than the bot said.

    One row per (analysis, face, person): a later choice replaces the earlier one. Only the
    emotion chosen is kept; never the photo or the face. The rows of a person go with
    /forget, and with their analysis when it expires.
    """

    __tablename__ = "corrections"
    __table_args__ = (
        UniqueConstraint("analysis_id", "face_index", "person_id"),
        Index(None, "person_id"),
        CheckConstraint(_one_of("emotion", EMOTIONS), name="emotion"),
        CheckConstraint("face_index >= 0", name="face_index"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey(Analysis.id, ondelete="CASCADE"))
    face_index: Mapped[int] = mapped_column(SmallInteger)  # 0 for the face numbered 1
    person_id: Mapped[int] = mapped_column(ForeignKey(Person.id, ondelete="CASCADE"))
    emotion: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
