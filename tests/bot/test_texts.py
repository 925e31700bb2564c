import itertools
import random
import re
import string

import pytest

from bot.commands import COMMANDS
from bot.comments import COMMENTS, CommentPicker
from bot.texts import EMOJI, EMOTION_NAMES, LANGUAGES, MESSAGES, Texts, language_of
from fer_engine import EMOTIONS


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES["en"]))
def test_every_message_exists_in_every_language_with_the_same_fields(key: str) -> None:
    assert {language: fields(MESSAGES[language][key]) for language in LANGUAGES} == {
        language: fields(MESSAGES["en"][key]) for language in LANGUAGES
    }


def test_no_language_has_a_message_the_others_lack() -> None:
    assert all(set(MESSAGES[language]) == set(MESSAGES["en"]) for language in LANGUAGES)


def test_every_emotion_has_an_emoji_and_a_name_in_every_language() -> None:
    assert set(EMOJI) == set(EMOTIONS)
    assert all(set(EMOTION_NAMES[language]) == set(EMOTIONS) for language in LANGUAGES)


@pytest.mark.parametrize(("language", "emotion"), list(itertools.product(LANGUAGES, EMOTIONS)))
def test_the_comment_bank_has_ten_distinct_comments_per_emotion_and_language(
    language: str, emotion: str
) -> None:
    comments = COMMENTS[language][emotion]
    assert len(set(comments)) == len(comments) >= 10


def test_a_person_never_gets_the_same_comment_twice_in_a_row() -> None:
    picker = CommentPicker(random.Random(7))
    picks = [picker.pick("telegram:1", "en", "happy") for _ in range(300)]
    assert all(a != b for a, b in itertools.pairwise(picks))
    assert len(set(picks)) == len(COMMENTS["en"]["happy"])  # and all of them get used


def test_one_persons_last_comment_does_not_constrain_another() -> None:
    picker = CommentPicker(random.Random(1))
    first = picker.pick("telegram:1", "en", "sad")
    others = {picker.pick(f"telegram:{n}", "en", "sad") for n in range(2, 200)}
    assert first in others


@pytest.mark.parametrize(
    ("hint", "chosen", "language"),
    [
        ("ko-KR", None, "ko"),
        ("ko", None, "ko"),
        ("en-GB", None, "en"),
        ("de", None, "en"),
        (None, None, "en"),
        ("en", "ko", "ko"),
        ("ko", "xx", "ko"),
    ],
)
def test_the_language_is_the_choice_else_the_platforms_else_english(
    hint: str | None, chosen: str | None, language: str
) -> None:
    assert language_of(hint, chosen) == language


@pytest.mark.parametrize(
    ("key", "fields", "text"),
    [
        ("digest.photos", {"photos": 1, "people": 1}, "1 photo from 1 person."),
        ("digest.photos", {"photos": 2, "people": 2}, "2 photos from 2 people."),
        ("digest.photos", {"photos": 0, "people": 0}, "0 photos from 0 people."),
        ("forget.done", {"count": 1}, "Done: I deleted 1 analysis and everything else about you."),
        ("forget.done", {"count": 3}, "Done: I deleted 3 analyses and everything else about you."),
        (
            "rate_limited",
            {"seconds": 1},
            "That's a lot of photos! Please wait 1 second before the next one.",
        ),
        ("digest.up", {"points": 1}, " ▲ 1 point"),
        ("more_faces", {"shown": 1, "found": 3}, "(I read 1 of 3 faces, the largest one.)"),
    ],
)
def test_english_counts_one_thing_in_the_singular_and_others_in_the_plural(
    key: str, fields: dict[str, int], text: str
) -> None:
    assert Texts("en")(key, **fields) == text


@pytest.mark.parametrize("count", [1, 2])
def test_korean_counters_read_the_same_for_one_and_for_more(count: int) -> None:
    assert Texts("ko")("digest.photos", photos=count, people=count) == (
        f"{count}명이 보낸 사진 {count}장."
    )


def test_a_number_formatted_as_a_number_is_unchanged() -> None:
    engine = {"requests": 1, "queue_depth": 12, "p50_ms": 5, "p99_ms": 9, "errors": 0}
    text = Texts("en")("stats", mean_batch=2.0, model_version="m", **engine)
    assert text.startswith("Engine: 1 photo answered, 12 in progress, latency p50 5 ms")


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_lists_every_command_but_the_greeting(language: str) -> None:
    listed = set(re.findall(r"/(\w+)", MESSAGES[language]["help"]))
    assert listed == set(COMMANDS) - {"start", "help"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_in_a_menu_or_on_discord_has_a_description(language: str) -> None:
    described = {key.removeprefix("menu.") for key in MESSAGES[language] if key.startswith("menu.")}
    assert described == (set(COMMANDS) - {"start"}) | {"analyze"}
