"""Group digests: their numbers, their chart, and scheduled sending exactly once."""

import asyncio
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import time_machine
from PIL import Image

from bot.charts import HEIGHT_PX, WIDTH_PX, digest_chart
from bot.digest import build_digest
from bot.events import Conversation
from bot.outbox import Outbox
from bot.replies import Reply
from bot.scheduler import DigestScheduler
from bot.texts import Texts
from storage import ChatRef, ChatSettings, PersonPreferences, Store
from tests.storage.builders import ANN, BOB, CAT, FRIENDS, photo

ENGLISH = Texts("en")
CHAT = Conversation("telegram", FRIENDS.chat_id, "group", FRIENDS.title)
QUIET = ChatRef("telegram", "-300", "group", "Quiet")
DAILY_21_SEOUL = ChatSettings(timezone="Asia/Seoul", summary_cron="0 21 * * *")
DUE = datetime(2026, 3, 1, 12, tzinfo=UTC)  # 21:00 on 1 March in Seoul (UTC+9)


class Sent:
    """What the outbox delivered, by chat; `arrived` is set on each delivery."""

    def __init__(self, outbox: Outbox) -> None:
        self.replies: list[tuple[str, Reply]] = []
        self.arrived = asyncio.Event()
        outbox.register("telegram", self._send)

    async def _send(self, chat_id: str, reply: Reply) -> None:
        self.replies.append((chat_id, reply))
        self.arrived.set()


async def friends_week(store: Store) -> None:
    """Friends, in Seoul. On 1 March (noon local): Ann 3 happy + 1 sad, Bob 2 angry, Cat 1
    sad. On 22 February, in the week before: Ann 4 happy."""
    await store.set_chat_settings(FRIENDS, DAILY_21_SEOUL)
    today = [("happy", ANN)] * 3 + [("sad", ANN), ("angry", BOB), ("angry", BOB), ("sad", CAT)]
    for number, (emotion, person) in enumerate(today):
        await store.record(photo(f"t{number}", "2026-03-01T03:00:00+00:00", emotion, person))
    for number in range(4):
        await store.record(photo(f"b{number}", "2026-02-22T03:00:00+00:00", "happy", ANN))


def scheduler(harness, now: datetime, grace_s: float = 3600) -> DigestScheduler:
    return DigestScheduler(harness.store, harness.outbox, grace_s, clock=lambda: now)


async def test_the_digest_says_what_the_store_counted(harness) -> None:
    await friends_week(harness.store)
    digest = await build_digest(harness.store, CHAT, 7, ENGLISH, now=DUE)
    assert digest.text.splitlines() == [
        "Mood in Friends, the last 7 days",
        "7 photos from 3 people.",
        "Mood: 😊 happy 43%, 😢 sad 29%, 😠 angry 29%.",
        # 4 of 7 negative now, 0 of 4 the week before.
        "Negative emotions (angry, disgust, fear, sad): 57% ▲ 57 points.",
        "Most active: Ann (4), Bob (2), Cat (1).",
        "Busiest hours: 12:00.",  # 03:00 UTC is noon in Seoul
    ]


async def test_an_alert_line_appears_above_the_chats_threshold(harness) -> None:
    await friends_week(harness.store)
    await harness.store.set_chat_settings(
        FRIENDS, ChatSettings(timezone="Asia/Seoul", negative_alert_share=0.5)
    )
    digest = await build_digest(harness.store, CHAT, 7, ENGLISH, now=DUE)
    assert "⚠️ That is above this group's alert level of 50%." in digest.text


async def test_people_who_opted_out_are_never_named(harness) -> None:
    await friends_week(harness.store)
    await harness.store.set_preferences(ANN, PersonPreferences(opt_out_summaries=True))
    digest = await build_digest(harness.store, CHAT, 7, ENGLISH, now=DUE)
    assert "Ann" not in digest.text
    assert "Most active: Bob (2), Cat (1)." in digest.text


async def test_the_digest_comes_with_its_chart(harness) -> None:
    await friends_week(harness.store)
    digest = await build_digest(harness.store, CHAT, 7, ENGLISH, now=DUE)
    assert Image.open(io.BytesIO(digest.image)).size == (WIDTH_PX, HEIGHT_PX)


async def test_an_empty_window_has_no_digest(harness) -> None:
    assert await build_digest(harness.store, CHAT, 7, ENGLISH, now=DUE) is None


def test_charts_are_pngs_of_the_expected_size_that_differ_with_the_data() -> None:
    happy = digest_chart({"happy": 9, "sad": 1}, {"happy": 5}, {20: 3}, ENGLISH, "A")
    sad = digest_chart({"happy": 1, "sad": 9}, {"happy": 5}, {20: 3}, ENGLISH, "A")
    images = [Image.open(io.BytesIO(png)) for png in (happy, sad)]
    assert all(image.format == "PNG" and image.size == (WIDTH_PX, HEIGHT_PX) for image in images)
    assert np.abs(np.asarray(images[0], float) - np.asarray(images[1], float)).sum() > 0


async def test_a_due_digest_is_sent_to_its_chat(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    assert await scheduler(harness, DUE + timedelta(minutes=1)).run_due("telegram", "-100")
    ((chat_id, reply),) = sent.replies
    assert chat_id == "-100" and reply.text.startswith("Mood in Friends, the last day")
    assert reply.image is not None


async def test_a_digest_with_nothing_to_say_is_not_sent(harness) -> None:
    sent = Sent(harness.outbox)
    await harness.store.set_chat_settings(QUIET, DAILY_21_SEOUL)
    assert not await scheduler(harness, DUE).run_due("telegram", QUIET.chat_id)
    assert sent.replies == []


async def test_a_restart_between_runs_neither_loses_nor_repeats_a_digest(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    await harness.store.record(photo("next", "2026-03-02T03:00:00+00:00", "happy", BOB))
    await scheduler(harness, DUE).run_due("telegram", "-100")  # sent; then the bot restarts
    restarted = scheduler(harness, DUE + timedelta(minutes=5))
    await restarted.start()
    restarted.shutdown()
    await scheduler(harness, DUE + timedelta(days=1)).run_due("telegram", "-100")
    assert len(sent.replies) == 2  # 1 March's once, 2 March's once


async def test_runs_missed_while_down_are_coalesced_into_one_on_start(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    # Down over the runs of 27, 28 February and 1 March; back 20 minutes after the last.
    back = scheduler(harness, DUE + timedelta(minutes=20))
    await back.start()
    back.shutdown()
    assert len(sent.replies) == 1


async def test_a_run_missed_beyond_the_grace_time_is_dropped(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    late = scheduler(harness, DUE + timedelta(hours=2), grace_s=3600)
    await late.start()
    late.shutdown()
    assert sent.replies == []


async def test_two_bot_processes_sharing_a_database_send_a_digest_once(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    first, second = scheduler(harness, DUE), scheduler(harness, DUE)
    outcomes = [await first.run_due("telegram", "-100"), await second.run_due("telegram", "-100")]
    assert sorted(outcomes) == [False, True] and len(sent.replies) == 1


async def test_apscheduler_fires_the_job_at_the_chats_local_time(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False) as clock:
        digests = DigestScheduler(harness.store, harness.outbox, 3600)
        await digests.start()
        assert digests.scheduler.get_job("digest:telegram:-100").next_run_time == DUE
        clock.move_to(DUE + timedelta(seconds=1))
        digests.scheduler.wakeup()  # what its timer would do at 21:00 in Seoul
        await asyncio.wait_for(sent.arrived.wait(), timeout=30)
        digests.shutdown()
    assert sent.replies[0][1].text.startswith("Mood in Friends, the last day")


async def test_a_paused_chats_due_digest_is_not_sent(harness) -> None:
    sent = Sent(harness.outbox)
    await friends_week(harness.store)
    paused = ChatSettings(timezone="Asia/Seoul", summary_cron="0 21 * * *", digests_paused=True)
    await harness.store.set_chat_settings(FRIENDS, paused)
    assert not await scheduler(harness, DUE + timedelta(minutes=1)).run_due("telegram", "-100")
    assert sent.replies == []


async def test_pausing_removes_the_job_and_resuming_plans_it_again(harness) -> None:
    await friends_week(harness.store)
    with time_machine.travel(DUE - timedelta(minutes=1), tick=False):
        digests = DigestScheduler(harness.store, harness.outbox, 3600)
        await digests.start()
        (scheduled,) = await harness.store.scheduled_chats()
        digests.schedule(
            replace(scheduled, settings=replace(scheduled.settings, digests_paused=True))
        )
        assert digests.scheduler.get_job("digest:telegram:-100") is None
        digests.schedule(scheduled)
        assert digests.scheduler.get_job("digest:telegram:-100").next_run_time == DUE
        digests.shutdown()


async def test_a_schedule_set_through_another_replica_is_planned_here_at_the_next_resync(
    harness,
) -> None:
    here, there = scheduler(harness, DUE), scheduler(harness, DUE)
    await harness.store.set_chat_settings(FRIENDS, DAILY_21_SEOUL)
    there.schedule(await harness.store.scheduled_chat("telegram", FRIENDS.chat_id))
    await here.resync()
    job = here.scheduler.get_job("digest:telegram:-100")
    assert str(job.trigger) == str(there.scheduler.get_job("digest:telegram:-100").trigger)
    await harness.store.set_chat_settings(FRIENDS, ChatSettings(timezone="Asia/Seoul"))
    await here.resync()
    assert here.scheduler.get_job("digest:telegram:-100") is None
