import itertools
import random
import string

import pytest

from bot.comments import COMMENTS, CommentPicker
from bot.texts import EMOJI, EMOTION_NAMES, LANGUAGES, MESSAGES, language_of
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
