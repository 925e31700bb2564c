"""The dashboard's language, from the browser's Accept-Language."""

import pytest

from dashboard.texts import PAGES, accepted_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ko-KR,ko;q=0.9,en-US;q=0.8", "ko"),
        ("en-US,en;q=0.9,ko;q=0.8", "en"),
        ("fr-FR,ko;q=0.5,en;q=0.3", "ko"),
        ("fr-FR,de;q=0.5", "en"),
        ("en;q=0.2,ko;q=0.7", "ko"),
        ("ko;q=0", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_the_language_is_the_browsers_most_preferred_one_of_ours(
    header: str | None, language: str
) -> None:
    assert accepted_language(header) == language


def test_every_page_text_exists_in_both_languages_with_the_same_fields() -> None:
    assert PAGES["en"].keys() == PAGES["ko"].keys()
    for key, english in PAGES["en"].items():
        fields = sorted(part.split("}")[0] for part in english.split("{")[1:])
        assert fields == sorted(part.split("}")[0] for part in PAGES["ko"][key].split("{")[1:])
