from datetime import datetime

import pytest

from storage import EMOTIONS, AnalysisRecord, ChatRef, ChatSettings, FaceRecord, PersonPreferences

from .builders import ANN, FRIENDS, face, moment


def analysis(**changes: object) -> AnalysisRecord:
    fields: dict[str, object] = {
        "person": ANN,
        "chat": FRIENDS,
        "message_id": "1",
        "at": moment("2026-03-01T12:00:00+00:00"),
        "faces": (face("happy"),),
        "dominant_emotion": "happy",
        "model_version": "v1",
        "latency_ms": 1.0,
    }
    return AnalysisRecord(**(fields | changes))


def test_an_analysis_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        analysis(at=datetime(2026, 3, 1, 12))


def test_an_analysis_with_faces_needs_a_dominant_emotion() -> None:
    with pytest.raises(ValueError, match="needs a dominant emotion"):
        analysis(dominant_emotion=None)


def test_an_analysis_without_faces_has_no_dominant_emotion() -> None:
    with pytest.raises(ValueError, match="without faces"):
        analysis(faces=())


def test_an_unknown_emotion_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown emotion 'joy'"):
        analysis(dominant_emotion="joy")


def test_a_face_names_a_probability_for_each_of_the_seven_emotions() -> None:
    with pytest.raises(ValueError, match="exactly"):
        FaceRecord(dict.fromkeys(EMOTIONS[:6], 0.1))


def test_an_id_longer_than_the_index_allows_is_refused() -> None:
    with pytest.raises(ValueError, match="1 to 256 characters"):
        analysis(message_id="9" * 257)


def test_a_chat_is_private_a_group_or_a_channel() -> None:
    with pytest.raises(ValueError, match="chat kind 'forum'"):
        ChatRef("telegram", "-1", "forum")


@pytest.mark.parametrize("make", [PersonPreferences, ChatSettings])
def test_a_time_zone_must_be_an_iana_name(make: type) -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        make(timezone="Mars/Olympus")


@pytest.mark.parametrize("make", [PersonPreferences, ChatSettings])
def test_a_time_zone_name_too_long_for_a_path_is_refused_as_unknown(make: type) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        make(timezone="Asia/" * 60)
