import json

import pytest

from storage import (
    EMOTIONS,
    AnalysisRecord,
    ChatRef,
    ChatSettings,
    Contributor,
    FaceRecord,
    PersonRef,
    Store,
)

from .builders import moment

NOW = moment("2026-03-31T12:00:00+00:00")
HOSTILE = [
    'O\'Brien "the quote" `tick`',
    "'; DROP TABLE people; --",
    "Robert'); DELETE FROM analyses WHERE ('1'='1",
    "x" * 10_000,
    "😀👨‍👩‍👧 emoji and 한국어 and עברית",
    "nul\x00inside\x00",
    "back\\slash \\0 \\\\ and %s %(name)s ? :param $1",
    "\t\r\n line breaks \u2028 and \ufeff",
]


def hostile_analysis(text: str, number: int) -> AnalysisRecord:
    short = text[:200]
    probabilities = dict.fromkeys(EMOTIONS, 1 / len(EMOTIONS))
    return AnalysisRecord(
        person=PersonRef("console", f"user {short}", text, None),
        chat=ChatRef("console", f"chat {short}", "group", text),
        message_id=f"{number} {short}",
        at=NOW,
        faces=(FaceRecord(probabilities, text),),
        dominant_emotion="neutral",
        model_version=text,
        latency_ms=1.0,
    )


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_strings_round_trip_intact(store: Store, text: str) -> None:
    given = hostile_analysis(text, 1)
    assert await store.record(given)
    assert not await store.record(given)
    (read,) = (await store.person_history("console", given.person.user_id, now=NOW)).last
    assert read == given
    summary = await store.chat_summary("console", given.chat.chat_id, now=NOW)
    assert summary.top_contributors == (Contributor(given.person.user_id, text, 1),)
    await store.set_chat_settings(given.chat, ChatSettings(summary_cron=text))
    assert (await store.chat_settings("console", given.chat.chat_id)).summary_cron == text
    exported = await store.export_person("console", given.person.user_id)
    assert exported is not None
    assert json.loads(exported)["person"]["display_name"] == text


async def test_strings_that_differ_only_by_escapes_stay_apart(store: Store) -> None:
    lookalikes = ["a\x00b", "a\\0b", "a\\\x00b", "a\\\\0b"]
    for number, name in enumerate(lookalikes):
        await store.record(hostile_analysis(name, number))
    for name in lookalikes:
        history = await store.person_history("console", f"user {name}", now=NOW)
        assert [record.person.display_name for record in history.last] == [name]
