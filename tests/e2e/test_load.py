"""Many people at once, and Telegram pushing back: every answer arrives, to the right person."""

import re
import sqlite3
from pathlib import Path

from bot.texts import Texts
from fer_engine.engine import Engine
from fer_engine.pipeline import Pipeline
from tests.e2e.conftest import RunningBot, running_bot
from tests.fakes.fake_telegram import FakeTelegram, Person
from tests.images import FACE_JPEG, encode, noise

PEOPLE = 200
_FIRST_FACE = re.compile(r"1\. \S+ <b>(?:not sure: )?(\w+)(?: or \w+)?</b> \((\d+)%\)")


async def test_200_people_sending_photos_at_once_each_get_the_answer_about_their_own_photo(
    fake: FakeTelegram, aligned_bundled_pipeline: Pipeline, tmp_path: Path
) -> None:
    people = [Person(5000 + number, f"Person {number}") for number in range(PEOPLE)]
    photos = [encode(noise(number, (64, 64)), "JPEG") for number in range(PEOPLE)]
    async with Engine(aligned_bundled_pipeline, aligned_bundled_pipeline.settings.serving) as e:
        expected = [(await e.analyze(photo)).faces[0] for photo in photos]
    english = Texts("en")

    async with running_bot(fake, aligned_bundled_pipeline, tmp_path):
        updates = [fake.photo_update(p, photo) for p, photo in zip(people, photos, strict=True)]
        for update in updates:
            fake.push(update)
        await fake.wait_for(lambda: len(fake.sent) == PEOPLE)

    for person, update, face in zip(people, updates, expected, strict=True):
        (answer,) = fake.sent_to(person.id)
        assert answer.reply_to == update["message"]["message_id"]
        emotion, percent = _FIRST_FACE.search(answer.text).groups()
        assert emotion == english.emotion(face.emotion)
        assert abs(int(percent) - face.confidence * 100) <= 1  # batching moves the last digit
    with sqlite3.connect(tmp_path / "ferbot.db") as database:
        assert database.execute("SELECT count(*) FROM analyses").fetchone() == (PEOPLE,)


async def test_a_storm_of_429s_is_ridden_out_with_nothing_lost(telegram: RunningBot) -> None:
    fake = telegram.fake
    fake.fail_next("sendMessage", times=3, retry_after=1)
    people = [Person(7000 + number, f"Person {number}") for number in range(5)]
    for person in people:
        fake.push(fake.photo_update(person, FACE_JPEG.read_bytes()))
    await fake.wait_for(lambda: len(fake.sent) == len(people))
    assert sorted(answer.chat_id for answer in fake.sent) == [person.id for person in people]
    assert len(fake.calls_of("sendMessage")) == len(people) + 3
