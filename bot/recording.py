"""Turning what the engine saw into what the store keeps (never the photo)."""

from bot.events import Photo
from fer_engine import EMOTIONS, Analysis
from storage import AnalysisRecord, ChatRef, FaceRecord, PersonRef


def dominant_emotion(analysis: Analysis) -> str | None:
    """The photo's mood: the emotion with the most probability summed over its faces."""
    if not analysis.faces:
        return None
    return max(EMOTIONS, key=lambda name: sum(face.probs[name] for face in analysis.faces))


def analysis_record(photo: Photo, analysis: Analysis, latency_ms: float) -> AnalysisRecord:
    sender, chat = photo.sender, photo.chat
    return AnalysisRecord(
        person=PersonRef(sender.platform, sender.user_id, sender.display_name, sender.language),
        chat=ChatRef(chat.platform, chat.chat_id, chat.kind, chat.title),
        message_id=photo.message_id,
        at=photo.at,
        faces=tuple(FaceRecord(dict(face.probs), face.caption) for face in analysis.faces),
        dominant_emotion=dominant_emotion(analysis),
        model_version=analysis.model_version,
        latency_ms=latency_ms,
    )
