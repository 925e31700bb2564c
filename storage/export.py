"""A person's data as one JSON document: what they may ask to see (and take elsewhere)."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.records import AnalysisRecord, Correction, PersonPreferences, PersonRef


def person_export_json(
    person: PersonRef,
    preferences: PersonPreferences,
    first_seen: datetime,
    analyses: Sequence[AnalysisRecord],
    corrections: Sequence[Correction] = (),
) -> str:
    """The person, their choices, every analysis of theirs and every correction they made
    (oldest first), times in UTC."""
    document = {
        "person": {
            "platform": person.platform,
            "user_id": person.user_id,
            "display_name": person.display_name,
            "first_seen": first_seen.isoformat(),
            "language": preferences.language,
            "timezone": preferences.timezone,
            "opt_out_history": preferences.opt_out_history,
            "opt_out_summaries": preferences.opt_out_summaries,
        },
        "analyses": [_analysis(analysis) for analysis in analyses],
        "corrections": [
            {
                "chat_id": correction.chat_id,
                "message_id": correction.message_id,
                "face": correction.face,
                "emotion": correction.emotion,
                "at": correction.at.isoformat(),
            }
            for correction in corrections
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=1)


def _analysis(analysis: AnalysisRecord) -> dict[str, Any]:
    return {
        "chat": {
            "platform": analysis.chat.platform,
            "chat_id": analysis.chat.chat_id,
            "kind": analysis.chat.kind,
            "title": analysis.chat.title,
        },
        "message_id": analysis.message_id,
        "at": analysis.at.isoformat(),
        "dominant_emotion": analysis.dominant_emotion,
        "faces": [
            {
                "probabilities": dict(face.probabilities),
                "caption": face.caption,
                "comment": face.comment,
            }
            for face in analysis.faces
        ],
        "model_version": analysis.model_version,
        "latency_ms": analysis.latency_ms,
    }
