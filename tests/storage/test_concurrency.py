import asyncio
from datetime import timedelta

from storage import EMOTIONS, PersonRef, Store

from .builders import FRIENDS, WORK, moment, photo

NOW = moment("2026-03-31T12:00:00+00:00")
TASKS = 50
ANALYSES = 2000


async def test_fifty_tasks_recording_two_thousand_analyses_lose_none_and_duplicate_none(
    store: Store,
) -> None:
    people = [PersonRef("telegram", str(5000 + n), f"Person {n}") for n in range(10)]
    analyses = [
        photo(
            str(n),
            (NOW - timedelta(minutes=n)).isoformat(),
            EMOTIONS[n % len(EMOTIONS)],
            person=people[n % len(people)],
            chat=(FRIENDS, WORK)[n % 2],
        )
        for n in range(ANALYSES)
    ]

    async def one_task(number: int) -> int:
        # Each task records its own share, then redelivers a few of its neighbour's.
        own = analyses[number::TASKS]
        redelivered = analyses[(number + 1) % TASKS :: TASKS][:5]
        return sum([await store.record(analysis) for analysis in own + redelivered])

    recorded = await asyncio.gather(*(one_task(number) for number in range(TASKS)))
    assert sum(recorded) == ANALYSES
    summaries = [await store.chat_summary("telegram", chat, now=NOW) for chat in ("-100", "-200")]
    assert [summary.photos for summary in summaries] == [ANALYSES // 2, ANALYSES // 2]
    histories = [
        await store.person_history("telegram", person.user_id, now=NOW) for person in people
    ]
    assert [history.photos for history in histories] == [ANALYSES // len(people)] * len(people)
