"""What the pages show and do, on the real store and engine."""

import json
import logging
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.scheduler import DigestScheduler
from storage import ChatSettings
from storage.models import Analysis, Chat, Person
from tests.dashboard.conftest import Site
from tests.images import GROUP_JPEG
from tests.storage.builders import ANN, ANN_ALONE, BOB, FRIENDS, WORK, photo

# The photos are sent now: the overview and history count the days up to today.
TODAY = datetime.now(UTC).isoformat()


async def some_photos(site: Site) -> None:
    """Ann: 2 happy in Friends, 1 sad alone with the bot. Bob: 1 angry in Friends, 1 in Work."""
    for record in (
        photo("1", TODAY, "happy", ANN, FRIENDS),
        photo("2", TODAY, "happy", ANN, FRIENDS),
        photo("3", TODAY, "sad", ANN, ANN_ALONE),
        photo("4", TODAY, "angry", BOB, FRIENDS),
        photo("5", TODAY, "angry", BOB, WORK),
    ):
        await site.store.record(record)


async def rows_of(site: Site) -> dict[str, list[tuple[object, ...]]]:
    """Every person, chat and analysis row, by table."""
    async with site.store.sql_engine.connect() as connection:
        return {
            "people": sorted(await connection.execute(select(Person.platform_user_id))),
            "chats": sorted(await connection.execute(select(Chat.platform_chat_id))),
            "analyses": sorted(
                await connection.execute(select(Analysis.platform_message_id, Analysis.person_id))
            ),
        }


def texts_in(page: str, css_class: str) -> list[str]:
    return re.findall(rf'class="{css_class}">([^<]+)<', page)


async def test_the_overview_counts_every_chats_photos_and_shows_the_engine(
    operator: Site,
) -> None:
    await some_photos(operator)
    page = (await operator.client.get("/")).text
    assert '<b id="photos">5</b>' in page
    assert "Active people<b>2</b>" in page and "Active chats<b>3</b>" in page
    assert 'src="data:image/png;base64,' in page
    for line in ("Queue depth", "Mean batch size", "Latency p50 / p99", "Errors by kind"):
        assert line in page


async def test_engine_errors_are_counted_by_kind_on_the_overview(operator: Site) -> None:
    await operator.submit("/try", {}, files={"photo": ("x.jpg", b"not a picture", "image/jpeg")})
    page = (await operator.client.get("/")).text
    assert re.search(r"<th>\w+</th><td>1</td>", page.split("Errors by kind")[1])


async def test_search_finds_people_by_part_of_their_name_or_their_id(operator: Site) -> None:
    await some_photos(operator)
    by_name = (await operator.client.get("/people", params={"q": "an"})).text
    by_id = (await operator.client.get("/people", params={"q": "1002"})).text
    assert ">Ann</a>" in by_name and ">Bob</a>" not in by_name
    assert ">Bob</a>" in by_id and ">Ann</a>" not in by_id


async def test_a_persons_page_shows_their_history_with_its_chart(
    operator: Site,
) -> None:
    await some_photos(operator)
    page = await operator.client.get("/person", params={"platform": "telegram", "id": "1001"})
    assert "In the last 30 days: 3 photos, most often 😊 happy (67%)." in page.text
    assert 'src="data:image/png;base64,' in page.text


async def test_the_export_is_the_stores_json_document_of_that_person(operator: Site) -> None:
    await some_photos(operator)
    response = await operator.client.get(
        "/person/export", params={"platform": "telegram", "id": "1002"}
    )
    assert response.headers["content-disposition"].startswith("attachment;")
    document = json.loads(response.text)
    assert document == json.loads(await operator.store.export_person("telegram", "1002"))
    assert len(document["analyses"]) == 2


async def test_forget_asks_first_and_deletes_nothing_until_confirmed(operator: Site) -> None:
    await some_photos(operator)
    before = await rows_of(operator)
    page = await operator.client.get(
        "/person/forget", params={"platform": "telegram", "id": "1001"}
    )
    assert "This deletes Ann and all 3 analyses of theirs" in page.text
    assert await rows_of(operator) == before


async def test_forget_removes_exactly_that_persons_rows(operator: Site) -> None:
    await some_photos(operator)
    before = await rows_of(operator)
    response = await operator.submit("/person/forget", {"platform": "telegram", "id": "1001"})
    assert "Ann was forgotten: 3 analyses deleted." in response.text
    after = await rows_of(operator)
    assert after["people"] == [("1002",)]
    assert after["chats"] == [("-100",), ("-200",)]  # her private chat with the bot went too
    bob = {row for row in before["analyses"] if row[0] in ("4", "5")}
    assert set(after["analyses"]) == bob


async def test_forgetting_is_logged_with_who_and_when(operator: Site, caplog) -> None:
    await some_photos(operator)
    with caplog.at_level(logging.INFO, logger="ferbot.audit"):
        await operator.submit("/person/forget", {"platform": "telegram", "id": "1002"})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "ferbot.audit"]
    assert re.fullmatch(
        r"forget telegram:1002: 2 analyses deleted; by operator from 127\.0\.0\.1 at "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00",
        line,
    )


async def test_pausing_holds_a_chats_digests_and_resuming_plans_them_again(
    operator: Site, caplog
) -> None:
    daily = ChatSettings(timezone="Asia/Seoul", summary_cron="0 21 * * *")
    await operator.store.set_chat_settings(FRIENDS, daily)
    digests: DigestScheduler = operator.bot.context.digests
    await digests.start()
    job = "digest:telegram:-100"
    assert digests.scheduler.get_job(job) is not None
    with caplog.at_level(logging.INFO, logger="ferbot.audit"):
        paused = await operator.submit(
            "/chats/digests", {"platform": "telegram", "id": "-100", "action": "pause"}
        )
    assert "Digests of Friends: paused." in paused.text
    assert (await operator.store.chat_settings("telegram", "-100")).digests_paused
    assert digests.scheduler.get_job(job) is None
    await operator.submit(
        "/chats/digests", {"platform": "telegram", "id": "-100", "action": "resume"}
    )
    settings = await operator.store.chat_settings("telegram", "-100")
    assert settings == daily and digests.scheduler.get_job(job) is not None
    audit = [r.getMessage() for r in caplog.records if r.name == "ferbot.audit"]
    assert audit[0].startswith("pause digests telegram:-100: done; by operator")


async def test_the_chats_page_shows_schedule_threshold_and_state(operator: Site) -> None:
    settings = ChatSettings(
        timezone="Asia/Seoul", summary_cron="0 9 * * mon", negative_alert_share=0.3
    )
    await operator.store.set_chat_settings(FRIENDS, settings)
    page = (await operator.client.get("/chats")).text
    assert "weekly mon 09:00 (Asia/Seoul)" in page and "30%" in page
    assert 'value="pause"' in page


async def test_try_it_shows_the_bots_reply_and_every_face_and_records_nothing(
    operator: Site,
) -> None:
    upload = {"photo": ("friends.jpg", GROUP_JPEG.read_bytes(), "image/jpeg")}
    page = (await operator.submit("/try", {}, files=upload)).text
    assert "I found 3 faces (numbered left to right):" in page
    assert len(texts_in(page, "emotion")) == 3
    assert 'src="data:image/jpeg;base64,' in page
    assert await operator.store.find_people() == ()


async def test_try_it_answers_a_file_that_is_no_picture_as_the_bot_would(operator: Site) -> None:
    upload = {"photo": ("notes.txt", b"hello", "text/plain")}
    page = (await operator.submit("/try", {}, files=upload)).text
    assert "This file is not a picture I can open." in page


async def test_try_it_without_a_file_asks_for_one(operator: Site) -> None:
    response = await operator.submit("/try", {})
    assert response.status_code == 400 and "Choose a photo first." in response.text


async def test_analyses_filter_by_platform_chat_emotion_and_date(operator: Site) -> None:
    await some_photos(operator)
    await operator.store.record(photo("6", "2020-11-20T09:00:00+00:00", "angry", BOB, FRIENDS))
    async with operator.store.sql_engine.connect() as connection:
        friends = await connection.scalar(select(Chat.id).where(Chat.platform_chat_id == "-100"))
        total = await connection.scalar(select(func.count()).select_from(Analysis))
    assert total == 6

    async def rows(**params: str) -> int:
        page = await operator.client.get("/records/analysis/list", params=params)
        assert page.status_code == 200
        return len(re.findall(r'href="[^"]*/records/analysis/details/', page.text))

    assert await rows() == 6
    assert await rows(platform="telegram") == 6
    assert await rows(platform="discord") == 0
    assert await rows(chat_id=str(friends)) == 4
    assert await rows(dominant_emotion="angry") == 3
    assert (
        await rows(chat_id=str(friends), dominant_emotion="angry", day=TODAY[:10], day_op="on") == 1
    )
    assert await rows(day="2020-11-21", day_op="before") == 1


async def test_pages_speak_korean_to_a_browser_that_prefers_it(operator: Site) -> None:
    page = await operator.client.get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"})
    assert "개요" in page.text and "직접 해 보기" in page.text
    assert page.headers["content-language"] == "ko"
