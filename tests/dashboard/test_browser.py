"""End to end in headless Chromium: `ferbot dashboard` serving a real store and the bundled
engine, driven by Playwright like an operator would use it.

Debian's chromium is used (`make test` installs it); Playwright never downloads a browser.
With $FERBOT_SCREENSHOTS set to a folder (`docs`), the overview and a person's page are
saved there for the README.
"""

import asyncio
import os
import random
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from dashboard.settings import DashboardSettings
from fer_engine.settings import EngineSettings
from ferbot.app import run
from ferbot.settings import Settings
from storage import (
    EMOTIONS,
    ChatRef,
    ChatSettings,
    Correction,
    PersonRef,
    StorageSettings,
    Store,
)
from tests.dashboard.conftest import PASSWORD, PASSWORD_HASH
from tests.dashboard.test_serving import free_port
from tests.images import GROUP_JPEG
from tests.storage.builders import photo

CHROMIUM = Path("/usr/bin/chromium")
PEOPLE = [
    PersonRef("telegram", "1001", "Ann", "en"),
    PersonRef("telegram", "1002", "민지", "ko"),
    PersonRef("discord", "2001", "Bob", "en"),
    PersonRef("discord", "2002", "Cat", "en"),
    PersonRef("telegram", "1003", "Dan", "en"),
]
CHATS = [
    ChatRef("telegram", "-100", "group", "Friends"),
    ChatRef("discord", "300", "group", "Book club"),
    ChatRef("telegram", "-200", "group", "Work"),
]
# Emotions as people post them: mostly happy and neutral.
WEIGHTS = {"happy": 8, "neutral": 5, "surprise": 2, "sad": 2, "angry": 1, "fear": 1, "disgust": 1}


async def a_fortnight_of_photos(store: Store) -> None:
    """About 150 photos over the last 14 days, from five people in three chats."""
    rng = random.Random(10)
    now = datetime.now(UTC)
    records = []
    for number in range(150):
        person = rng.choice(PEOPLE)
        chat = rng.choice([c for c in CHATS if c.platform == person.platform])
        at = now - timedelta(days=rng.randrange(14), minutes=rng.randrange(600))
        emotion = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        records.append(photo(str(number), at.isoformat(), emotion, person, chat))
    await store.record_many(records)
    # About one face in six corrected by its sender, mostly happy read where neutral was meant.
    for record in records:
        if rng.random() < 1 / 6:
            chosen = "neutral" if record.dominant_emotion != "neutral" else "sad"
            chat, person = record.chat, record.person
            await store.correct(
                Correction(
                    chat.platform, chat.chat_id, record.message_id, 1, person.user_id, chosen, now
                )
            )
    daily = ChatSettings(timezone="Asia/Seoul", summary_cron="0 21 * * *", negative_alert_share=0.3)
    await store.set_chat_settings(CHATS[0], daily)
    assert set(WEIGHTS) == set(EMOTIONS)


@pytest.fixture
async def dashboard_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """`ferbot dashboard` on a free port of 127.0.0.1, over a store with two weeks of photos."""
    storage = StorageSettings(url=f"sqlite+aiosqlite:///{tmp_path / 'ferbot.db'}")
    async with await Store.open(storage) as store:
        await a_fortnight_of_photos(store)
    port = free_port()
    settings = Settings(
        engine=EngineSettings(device="cpu"),
        storage=storage,
        dashboard=DashboardSettings(port=port),
    )
    monkeypatch.setenv("DASHBOARD_PASSWORD_HASH", PASSWORD_HASH)
    serving = asyncio.create_task(run(settings, dashboard_only=True))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        serving.cancel()
        await asyncio.gather(serving, return_exceptions=True)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"no {CHROMIUM}: `make test` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        await launched.close()


async def screenshot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("FERBOT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=folder / name, full_page=True)


async def open_when_up(page: Page, url: str) -> None:
    """The first page of a server still loading its models (up to 60 s)."""
    for _ in range(300):
        try:
            await page.goto(url)
            return
        except Exception as exc:  # Playwright's net::ERR_CONNECTION_REFUSED
            if "ERR_CONNECTION_REFUSED" not in str(exc):
                raise
            await asyncio.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s")


async def new_page(browser: Browser) -> tuple[BrowserContext, Page]:
    """A fresh English browser context the size of a laptop screen, and a page in it."""
    context = await browser.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(20_000)
    return context, page


async def log_in(page: Page) -> None:
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()


async def test_an_operator_logs_in_looks_searches_forgets_and_tries_a_photo(
    dashboard_url: str, browser: Browser, tmp_path: Path
) -> None:
    context, page = await new_page(browser)

    await open_when_up(page, dashboard_url + "/")
    await expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    await log_in(page)

    await expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    await expect(page.locator("#photos")).to_have_text("150")
    await expect(page.get_by_alt_text("Photos of every chat")).to_be_visible()

    await page.get_by_role("link", name="People").click()
    await page.get_by_label("Name or user id").fill("ann")
    await page.get_by_role("button", name="Search").click()
    await expect(page.get_by_role("link", name="Ann")).to_have_count(1)
    await expect(page.get_by_role("link", name="Bob")).to_have_count(0)
    await page.get_by_role("link", name="Ann").click()
    await expect(page.get_by_role("heading", name=re.compile("^Ann"))).to_be_visible()
    await expect(page.get_by_alt_text("History")).to_be_visible()
    await screenshot(page, "dashboard-person.png", tmp_path)

    await page.get_by_role("link", name="Forget this person").click()
    await page.get_by_role("button", name="Yes, forget them").click()
    await expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^Ann was forgotten: \d+ analyses deleted\.$")
    )
    await expect(page.get_by_role("link", name="Ann")).to_have_count(0)
    await expect(page.get_by_role("link", name="Bob")).to_have_count(1)

    await page.get_by_role("link", name="Try it").click()
    await page.get_by_label("Photo").set_input_files(GROUP_JPEG)
    await page.get_by_role("button", name="Read the faces").click()
    await expect(page.locator("#reply")).to_contain_text("I found 3 faces")
    emotions = page.locator("#faces td.emotion")
    await expect(emotions).to_have_count(3)
    for text in await emotions.all_inner_texts():
        assert re.fullmatch(
            r"\S+ (surprised|afraid|disgusted|happy|sad|angry|neutral) \(\d+%\)", text
        )

    # Back on the overview, the engine has answered the photo.
    await page.get_by_role("link", name="Overview").click()
    requests = page.get_by_role("row", name=re.compile("Requests answered"))
    await expect(requests).to_contain_text("1")
    await screenshot(page, "dashboard-overview.png", tmp_path)
    await context.close()


async def test_the_overview_shows_agreement_by_platform_as_a_chart(
    dashboard_url: str, browser: Browser, tmp_path: Path
) -> None:
    context, page = await new_page(browser)
    await open_when_up(page, dashboard_url + "/")
    await log_in(page)

    agreement = page.locator("#agreement")
    await expect(agreement).to_contain_text(re.compile(r"of 150 faces not corrected"))
    await page.get_by_label("Platform").select_option("discord")
    await page.get_by_label("Days").select_option("7")
    await page.get_by_role("button", name="Show").click()
    await expect(page).to_have_url(re.compile(r"platform=discord&days=7$"))
    await expect(agreement).not_to_contain_text("of 150 faces")
    await page.get_by_label("Platform").select_option("")
    await page.get_by_label("Days").select_option("30")
    await page.get_by_role("button", name="Show").click()
    chart = page.get_by_alt_text("Do people agree with the bot?")
    await expect(chart).to_be_visible()
    folder = Path(os.environ.get("FERBOT_SCREENSHOTS") or tmp_path)
    await chart.screenshot(path=folder / "dashboard-agreement.png")
    await context.close()
