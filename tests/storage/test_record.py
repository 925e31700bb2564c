from dataclasses import replace

from storage import PersonPreferences, Store

from .builders import ANN, BOB, FRIENDS, WORK, moment, photo

NOW = moment("2026-03-31T12:00:00+00:00")


async def test_a_recorded_analysis_reads_back_as_it_was_given(store: Store) -> None:
    given = photo("7", "2026-03-31T20:30:15.123456+09:00", "sad")
    assert await store.record(given)
    (read,) = (await store.person_history("telegram", "1001", now=NOW)).last
    assert read == given


async def test_recording_the_same_message_twice_counts_it_once(store: Store) -> None:
    assert await store.record(photo("7", "2026-03-31T10:00:00+00:00"))
    assert not await store.record(photo("7", "2026-03-31T10:00:00+00:00"))
    assert (await store.person_history("telegram", "1001", now=NOW)).photos == 1


async def test_the_same_message_id_in_another_chat_is_another_photo(store: Store) -> None:
    assert await store.record(photo("7", "2026-03-31T10:00:00+00:00", chat=FRIENDS))
    assert await store.record(photo("7", "2026-03-31T10:00:00+00:00", chat=WORK))
    assert (await store.person_history("telegram", "1001", now=NOW)).photos == 2


async def test_recording_a_batch_returns_how_many_were_new(store: Store) -> None:
    await store.record(photo("1", "2026-03-31T09:00:00+00:00"))
    batch = [
        photo("1", "2026-03-31T09:00:00+00:00"),
        photo("2", "2026-03-31T10:00:00+00:00"),
        photo("2", "2026-03-31T10:00:00+00:00"),
        photo("3", "2026-03-31T11:00:00+00:00", person=BOB),
    ]
    assert await store.record_many(batch) == 2
    assert (await store.chat_summary("telegram", "-100", now=NOW)).photos == 3


async def test_recording_nothing_records_nothing(store: Store) -> None:
    assert await store.record_many([]) == 0


async def test_a_person_who_opted_out_of_history_is_not_recorded(store: Store) -> None:
    await store.set_preferences(ANN, PersonPreferences(opt_out_history=True))
    assert not await store.record(photo("1", "2026-03-31T09:00:00+00:00"))
    assert await store.record(photo("2", "2026-03-31T09:00:00+00:00", person=BOB))
    summary = await store.chat_summary("telegram", "-100", now=NOW)
    assert summary.photos == 1 and summary.active_people == 1


async def test_recording_refreshes_the_senders_name_and_the_chats_title(store: Store) -> None:
    await store.record(photo("1", "2026-03-31T09:00:00+00:00"))
    renamed = replace(ANN, display_name="Ann B.")
    retitled = replace(FRIENDS, title="Old friends")
    await store.record(photo("2", "2026-03-31T10:00:00+00:00", person=renamed, chat=retitled))
    older, newer = (await store.person_history("telegram", "1001", now=NOW)).last[::-1]
    assert newer.person.display_name == older.person.display_name == "Ann B."
    assert newer.chat.title == older.chat.title == "Old friends"


async def test_a_photo_without_a_face_counts_as_a_photo_but_has_no_emotion(store: Store) -> None:
    await store.record(photo("1", "2026-03-31T09:00:00+00:00", emotion=None))
    await store.record(photo("2", "2026-03-31T10:00:00+00:00", emotion="happy"))
    history = await store.person_history("telegram", "1001", now=NOW)
    assert history.photos == 2
    assert history.emotions.total == 1 and history.emotions.shares["happy"] == 1.0
