from storage import ChatSettings, Store

from .builders import ANN_ALONE, FRIENDS, WORK, moment, photo

DUE = moment("2026-03-01T12:00:00+00:00")


async def test_the_first_claim_of_a_due_digest_wins(store: Store) -> None:
    await store.set_chat_settings(FRIENDS, ChatSettings())
    assert await store.claim_digest("telegram", FRIENDS.chat_id, DUE)


async def test_a_digest_is_claimed_only_once(store: Store) -> None:
    await store.set_chat_settings(FRIENDS, ChatSettings())
    await store.claim_digest("telegram", FRIENDS.chat_id, DUE)
    assert not await store.claim_digest("telegram", FRIENDS.chat_id, DUE)


async def test_the_next_due_time_and_other_chats_are_claimed_apart(store: Store) -> None:
    for chat in (FRIENDS, WORK):
        await store.set_chat_settings(chat, ChatSettings())
    await store.claim_digest("telegram", FRIENDS.chat_id, DUE)
    assert await store.claim_digest("telegram", WORK.chat_id, DUE)
    assert await store.claim_digest(
        "telegram", FRIENDS.chat_id, moment("2026-03-02T12:00:00+00:00")
    )


async def test_a_chat_never_seen_has_nothing_to_claim(store: Store) -> None:
    assert not await store.claim_digest("telegram", "-999", DUE)


async def test_only_a_chat_with_a_schedule_is_a_scheduled_chat(store: Store) -> None:
    await store.set_chat_settings(FRIENDS, ChatSettings(summary_cron="0 21 * * *"))
    await store.set_chat_settings(WORK, ChatSettings())
    scheduled = await store.scheduled_chat("telegram", FRIENDS.chat_id)
    assert scheduled is not None and scheduled.settings.summary_cron == "0 21 * * *"
    assert await store.scheduled_chat("telegram", WORK.chat_id) is None


async def test_a_chats_language_is_kept_with_its_settings(store: Store) -> None:
    await store.set_chat_settings(FRIENDS, ChatSettings(language="ko"))
    assert (await store.chat_settings("telegram", FRIENDS.chat_id)).language == "ko"


async def test_busiest_hours_are_counted_in_the_chats_local_time(store: Store) -> None:
    await store.set_chat_settings(FRIENDS, ChatSettings(timezone="Asia/Seoul"))
    for number, at in enumerate(
        [
            "2026-03-01T12:10:00+00:00",  # 21:10 in Seoul
            "2026-03-01T12:50:00+00:00",  # 21:50
            "2026-03-02T12:05:00+00:00",  # 21:05 the next day
            "2026-03-01T23:30:00+00:00",  # 08:30 on the 2nd
            "2026-03-05T00:00:00+00:00",  # outside the window
        ]
    ):
        await store.record(photo(str(number), at))
    summary = await store.chat_summary(
        "telegram", FRIENDS.chat_id, days=2, now=moment("2026-03-02T23:00:00+09:00")
    )
    assert summary.hours == {21: 3, 8: 1}


async def test_busiest_hours_follow_daylight_saving_time(store: Store) -> None:
    await store.set_chat_settings(FRIENDS, ChatSettings(timezone="Europe/Berlin"))
    await store.record(photo("1", "2026-03-28T19:00:00+00:00"))  # 20:00 CET, before the change
    await store.record(photo("2", "2026-03-29T18:00:00+00:00"))  # 20:00 CEST, after it
    summary = await store.chat_summary(
        "telegram", FRIENDS.chat_id, days=2, now=moment("2026-03-29T22:00:00+02:00")
    )
    assert summary.hours == {20: 2}


async def test_forgetting_a_person_removes_their_private_chat_with_its_claims(
    store: Store,
) -> None:
    await store.record(photo("1", "2026-03-01T12:00:00+00:00", chat=ANN_ALONE))
    await store.claim_digest("telegram", ANN_ALONE.chat_id, DUE)
    # The claim refers to the chat; without the cascade deleting the chat would fail.
    assert await store.forget_person("telegram", "1001") == 1
    assert not await store.claim_digest("telegram", ANN_ALONE.chat_id, DUE)
