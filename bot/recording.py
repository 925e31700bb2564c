"""Turning what the engine saw into what the store keeps (never the photo)."""

from collections.abc import Sequence

from bot.events import Conversation, Photo, Sender
from fer_engine import EMOTIONS, Analysis
from storage import AnalysisRecord, ChatRef, FaceRecord, PersonRef


def dominant_emotion(analysis: Analysis) -> str | None:
    """The photo's mood: the emotion with the most probability summed over its faces."""
    if not analysis.faces:
        return None
    return max(EMOTIONS, key=lambda name: sum(face.probs[name] for face in analysis.faces))


def person_ref(sender: Sender) -> PersonRef:
    return PersonRef(sender.platform, sender.user_id, sender.display_name, sender.language)


def chat_ref(chat: Conversation) -> ChatRef:
    return ChatRef(chat.platform, chat.chat_id, chat.kind, chat.title)


def analysis_record(
    photo: Photo, analysis: Analysis, latency_ms: float, comments: Sequence[str] = ()
) -> AnalysisRecord:
    """The analysis as the store keeps it, with the comment the bot made on each face."""
    said = [*comments, *[None] * (len(analysis.faces) - len(comments))]
    return AnalysisRecord(
        person=person_ref(photo.sender),
        chat=chat_ref(photo.chat),
        message_id=photo.message_id,
        at=photo.at,
        faces=tuple(
            FaceRecord(dict(face.probs), face.caption, comment)
            for face, comment in zip(analysis.faces, said, strict=True)
        ),
        dominant_emotion=dominant_emotion(analysis),
        model_version=analysis.model_version,
        latency_ms=latency_ms,
    )
