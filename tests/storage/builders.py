"""Hand-built people, chats and analyses for the store's tests."""

from datetime import datetime

from storage import EMOTIONS, AnalysisRecord, ChatRef, FaceRecord, PersonRef

ANN = PersonRef("telegram", "1001", "Ann", "en")
BOB = PersonRef("telegram", "1002", "Bob", "ko")
CAT = PersonRef("telegram", "1003", "Cat")
FRIENDS = ChatRef("telegram", "-100", "group", "Friends")
WORK = ChatRef("telegram", "-200", "group", "Work")
ANN_ALONE = ChatRef("telegram", "1001", "private", "Ann")


def moment(text: str) -> datetime:
    """An aware datetime from ISO text that must carry its offset ("...+00:00")."""
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, text
    return parsed


def face(emotion: str, caption: str | None = "a face") -> FaceRecord:
    """A face the model was fairly sure showed `emotion`."""
    rest = 0.4 / (len(EMOTIONS) - 1)
    return FaceRecord({name: 0.6 if name == emotion else rest for name in EMOTIONS}, caption)


def photo(
    message_id: str,
    at: str,
    emotion: str | None = "happy",
    person: PersonRef = ANN,
    chat: ChatRef = FRIENDS,
) -> AnalysisRecord:
    """One analysed photo; `emotion=None` is a photo in which no face was found."""
    return AnalysisRecord(
        person=person,
        chat=chat,
        message_id=message_id,
        at=moment(at),
        faces=() if emotion is None else (face(emotion),),
        dominant_emotion=emotion,
        model_version="fusion-gated-1",
        latency_ms=125.0,
    )
