"""How the core's replies become Discord messages that fit Discord's limits."""

import discord

from adapters.discord_adapter._outgoing import (
    CONTENT_LIMIT,
    EMBED_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    render,
)
from adapters.discord_adapter._text import cut, escaped, size
from bot.replies import Button, FaceLine, Reply


def face(number: int, comment: str = "What a smile!", caption: str | None = None) -> FaceLine:
    return FaceLine(number, "😊", "happy", 0.97, caption, comment)


def face_reply(*faces: FaceLine, note: str = "") -> Reply:
    lines = ["I found some faces:", *(line.plain() for line in faces)]
    return Reply("\n".join([*lines, note] if note else lines), faces=faces)


def test_faces_become_one_embed_field_each_under_the_heading() -> None:
    (part,) = render(face_reply(face(1), face(2, caption="a person smiling")))
    assert part.content is None and part.embed is not None
    assert part.embed.description == "I found some faces:"
    assert [(f.name, f.value) for f in part.embed.fields] == [
        ("1. 😊 happy (97%)", "What a smile!"),
        ("2. 😊 happy (97%)", "“a person smiling”\nWhat a smile!"),
    ]


def test_a_note_after_the_faces_stays_in_the_description() -> None:
    (part,) = render(face_reply(face(1), note="(I read 1 of 7 faces, the largest one.)"))
    assert part.embed.description == "I found some faces:\n(I read 1 of 7 faces, the largest one.)"


def test_more_than_25_faces_continue_in_another_embed() -> None:
    parts = render(face_reply(*(face(n) for n in range(1, 31))))
    assert [len(part.embed.fields) for part in parts] == [FIELDS_LIMIT, 5]


def test_a_long_comment_is_shortened_to_the_field_limit_with_an_ellipsis() -> None:
    (part,) = render(face_reply(face(1, comment="ha" * 1000)))
    value = part.embed.fields[0].value
    assert size(value) == FIELD_VALUE_LIMIT and value.endswith("…")


def test_no_embed_passes_6000_characters() -> None:
    parts = render(face_reply(*(face(n, comment="x" * 1000) for n in range(1, 21))))
    for part in parts:
        fields = part.embed.fields
        total = size(part.embed.description or "") + sum(
            size(f.name) + size(f.value) for f in fields
        )
        assert total <= EMBED_LIMIT
    assert sum(len(part.embed.fields) for part in parts) == 20


def test_long_text_is_split_between_lines_into_messages_of_2000() -> None:
    text = "\n".join(f"line {n}: " + "a" * 90 for n in range(100))
    parts = render(Reply(text))
    assert all(size(part.content) <= CONTENT_LIMIT for part in parts)
    assert "\n".join(part.content for part in parts) == text


def test_a_line_longer_than_a_message_is_cut_without_breaking_an_escape() -> None:
    text = "a" * 1999 + "*bold*"
    first, second = render(Reply(text))
    assert first.content == "a" * 1999  # "\" alone would escape the next message's "*"
    assert second.content == "\\*bold\\*"


def test_markdown_and_mentions_are_shown_as_typed() -> None:
    (part,) = render(Reply("**Bob** @everyone <@123456789012345678> __x__"))
    assert part.content == (
        "\\*\\*Bob\\*\\* @\u200beveryone <@\u200b123456789012345678> \\_\\_x\\_\\_"
    )


def test_every_message_disallows_all_mentions() -> None:
    (part,) = render(Reply("hello"))
    assert part.message()["allowed_mentions"].to_dict() == {"parse": []}


def test_emoji_count_twice_as_discord_counts_them() -> None:
    assert size("😊") == 2 and cut("😊😊", 3) == ("😊", "😊")


def test_the_image_goes_with_the_first_message_and_buttons_with_the_last() -> None:
    buttons = (Button("Yes", "forget:yes:1"), Button("No", "forget:no:1"))
    parts = render(Reply("x\n" * 1500, image=b"\x89PNG", buttons=buttons))
    first, last = parts[0].message(), parts[-1].message()
    assert isinstance(first["file"], discord.File) and "view" not in first
    assert [item.custom_id for item in last["view"].children] == ["forget:yes:1", "forget:no:1"]
    assert "file" not in last


def test_escaping_keeps_plain_words_unchanged() -> None:
    assert escaped("I found one face:") == "I found one face:"
