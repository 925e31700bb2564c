from bot.replies import Reply
from tests.bot.conftest import ALICE, GROUP
from tests.images import FACE_JPEG


async def schedule_of(harness) -> str | None:
    return (await harness.store.chat_settings("telegram", GROUP.chat_id)).summary_cron


async def test_a_member_who_is_not_an_admin_cannot_schedule_digests(harness) -> None:
    reply = await harness.say("/summary_schedule daily 21:00", chat=GROUP, admin=False)
    assert reply == Reply("Only the group's admins can change that.")
    assert await schedule_of(harness) is None


async def test_an_admin_schedules_a_daily_digest_and_the_job_is_planned(harness) -> None:
    reply = await harness.say("/summary_schedule daily 21:00", chat=GROUP, admin=True)
    assert reply == Reply("Digest scheduled: daily 21:00 (UTC).")
    assert await schedule_of(harness) == "0 21 * * *"
    assert harness.bot.context.digests.scheduler.get_job("digest:telegram:-500") is not None


async def test_switching_digests_off_removes_the_job(harness) -> None:
    await harness.say("/summary_schedule weekly mon 09:00", chat=GROUP, admin=True)
    assert (await harness.say("/summary_schedule off", chat=GROUP, admin=True)).text == (
        "No more scheduled digests."
    )
    assert await schedule_of(harness) is None
    assert harness.bot.context.digests.scheduler.get_job("digest:telegram:-500") is None


async def test_a_schedule_that_is_not_one_gets_the_usage(harness) -> None:
    reply = await harness.say("/summary_schedule at noon", chat=GROUP, admin=True)
    assert reply.text.startswith("Use /summary_schedule daily 21:00")


async def test_the_time_zone_must_be_a_real_one(harness) -> None:
    reply = await harness.say("/summary_tz Mars/Olympus", chat=GROUP, admin=True)
    assert reply.text.startswith("Use /summary_tz with a zone name")
    await harness.say("/summary_tz Asia/Seoul", chat=GROUP, admin=True)
    assert (await harness.store.chat_settings("telegram", GROUP.chat_id)).timezone == "Asia/Seoul"


async def test_an_alert_level_is_a_percentage(harness) -> None:
    assert (await harness.say("/summary_alert 30%", chat=GROUP, admin=True)).text == (
        "I'll warn when negative emotions pass 30%."
    )
    settings = await harness.store.chat_settings("telegram", GROUP.chat_id)
    assert settings.negative_alert_share == 0.3


async def test_settings_remember_the_admins_language_for_digests(harness) -> None:
    await harness.say("/summary_alert off", chat=GROUP, admin=True)
    assert (await harness.store.chat_settings("telegram", GROUP.chat_id)).language == "en"


async def test_summary_now_in_a_quiet_group_says_so(harness) -> None:
    reply = await harness.say("/summary", chat=GROUP, admin=True)
    assert reply == Reply("No photos in the last 7 days.")


async def test_summary_now_reports_the_groups_mood_with_a_chart(harness) -> None:
    await harness.bot.handle(harness.photo(FACE_JPEG.read_bytes(), chat=GROUP, addressed=True))
    reply = await harness.say("/summary", chat=GROUP, admin=True)
    assert reply.text.startswith("Mood in Friends, the last 7 days\n1 photo from 1 person.")
    assert reply.image is not None


async def test_summaries_are_for_groups(harness) -> None:
    assert (await harness.say("/summary")).text == "That only makes sense in a group."


async def test_optout_keeps_a_person_out_of_digests(harness) -> None:
    assert (await harness.say("/optout on")).text == "You won't be named in group digests any more."
    preferences = await harness.store.preferences("telegram", ALICE.user_id)
    assert preferences.opt_out_summaries


async def test_a_time_zone_name_too_long_for_a_path_gets_the_usage(harness) -> None:
    reply = await harness.say("/summary_tz " + "Asia/" * 60, chat=GROUP, admin=True)
    assert reply.text.startswith("Use /summary_tz with a zone name")
