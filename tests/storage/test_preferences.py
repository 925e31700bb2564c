from storage import ChatSettings, PersonPreferences, ScheduledChat, Store

from .builders import ANN, FRIENDS, WORK, photo


async def test_a_persons_preferences_are_saved_and_read_back(store: Store) -> None:
    chosen = PersonPreferences("ko", "Asia/Seoul", opt_out_history=False, opt_out_summaries=True)
    await store.set_preferences(ANN, chosen)
    assert await store.preferences("telegram", "1001") == chosen


async def test_someone_never_seen_has_the_default_preferences(store: Store) -> None:
    assert await store.preferences("telegram", "404") == PersonPreferences()


async def test_a_person_first_seen_in_a_photo_keeps_the_platforms_language(store: Store) -> None:
    await store.record(photo("1", "2026-03-31T09:00:00+00:00", person=ANN))
    assert await store.preferences("telegram", "1001") == PersonPreferences(language="en")


async def test_recording_a_photo_keeps_the_preferences(store: Store) -> None:
    chosen = PersonPreferences("ko", "Asia/Seoul", opt_out_summaries=True)
    await store.set_preferences(ANN, chosen)
    await store.record(photo("1", "2026-03-31T09:00:00+00:00", person=ANN))
    assert await store.preferences("telegram", "1001") == chosen


async def test_a_chats_settings_are_saved_and_read_back(store: Store) -> None:
    chosen = ChatSettings("Europe/Berlin", "0 20 * * 5", 3, 0.6)
    await store.set_chat_settings(FRIENDS, chosen)
    assert await store.chat_settings("telegram", "-100") == chosen


async def test_a_chat_never_seen_has_the_default_settings(store: Store) -> None:
    assert await store.chat_settings("telegram", "-404") == ChatSettings()


async def test_recording_a_photo_keeps_the_chats_settings(store: Store) -> None:
    chosen = ChatSettings("Europe/Berlin", "0 20 * * 5")
    await store.set_chat_settings(FRIENDS, chosen)
    await store.record(photo("1", "2026-03-31T09:00:00+00:00", chat=FRIENDS))
    assert await store.chat_settings("telegram", "-100") == chosen


async def test_scheduled_chats_are_those_with_a_summary_schedule(store: Store) -> None:
    weekly = ChatSettings("Europe/Berlin", "0 20 * * 5")
    await store.set_chat_settings(FRIENDS, weekly)
    await store.set_chat_settings(WORK, ChatSettings("Europe/Berlin"))
    assert await store.scheduled_chats() == (ScheduledChat(FRIENDS, weekly),)
