"""The store: people's history, chats' settings and summaries (SQLAlchemy async; SQLite or
PostgreSQL), with the schema kept by Alembic migrations applied at start-up."""

from storage.agreement import Agreement, AgreementDay
from storage.emotions import EMOTIONS, NEGATIVE_EMOTIONS
from storage.overview import Activity, ChatListing, PersonListing
from storage.records import (
    AnalysisRecord,
    ChatKind,
    ChatRef,
    ChatSettings,
    CorrectedAnalysis,
    Correction,
    FaceRecord,
    PersonPreferences,
    PersonRef,
    ScheduledChat,
)
from storage.settings import StorageSettings
from storage.store import Store
from storage.summaries import (
    ChatSummary,
    Contributor,
    DayCounts,
    EmotionCounts,
    PersonHistory,
    Streak,
)

__all__ = [
    "EMOTIONS",
    "NEGATIVE_EMOTIONS",
    "Activity",
    "Agreement",
    "AgreementDay",
    "AnalysisRecord",
    "ChatKind",
    "ChatListing",
    "ChatRef",
    "ChatSettings",
    "ChatSummary",
    "Contributor",
    "CorrectedAnalysis",
    "Correction",
    "DayCounts",
    "EmotionCounts",
    "FaceRecord",
    "PersonHistory",
    "PersonListing",
    "PersonPreferences",
    "PersonRef",
    "ScheduledChat",
    "StorageSettings",
    "Store",
    "Streak",
]
