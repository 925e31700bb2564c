"""Replies as Telegram HTML: the core's plain text, escaped, with faces laid out richly."""

from adapters.telegram._render import html_of, keyboard_of
from bot.replies import Button, FaceLine, Reply

SMILE = FaceLine(1, "😊", "happy", 0.93, "a <b>big</b> smile & more", "Nice!")
FROWN = FaceLine(2, "😠", "angry", 0.61, None, "Deep breath <3")


def reply_with(*faces: FaceLine, header: str = "I found 2 faces:", note: str = "") -> Reply:
    lines = [header, *(face.plain() for face in faces), *([note] if note else [])]
    return Reply("\n".join(lines), faces=faces)


def test_a_plain_reply_is_escaped_and_nothing_else() -> None:
    assert html_of(Reply("1 < 2 & <b>not bold</b>")) == "1 &lt; 2 &amp; &lt;b&gt;not bold&lt;/b&gt;"


def test_faces_get_the_emotion_in_bold_and_the_caption_in_italics_all_else_escaped() -> None:
    assert html_of(reply_with(SMILE, FROWN)) == (
        "I found 2 faces:\n"
        "1. 😊 <b>happy</b> (93%)\n"
        "   <i>“a &lt;b&gt;big&lt;/b&gt; smile &amp; more”</i>\n"
        "   Nice!\n"
        "2. 😠 <b>angry</b> (61%)\n"
        "   Deep breath &lt;3"
    )


def test_the_header_and_a_note_after_the_faces_keep_their_words() -> None:
    html = html_of(reply_with(SMILE, header="I found <1> face:", note="(3 of 9 read)"))
    assert html.startswith("I found &lt;1&gt; face:\n1. 😊 <b>happy</b>")
    assert html.endswith("\n(3 of 9 read)")


def test_faces_that_the_text_does_not_write_as_expected_fall_back_to_the_escaped_text() -> None:
    reply = Reply("something <else>", faces=(SMILE,))
    assert html_of(reply) == "something &lt;else&gt;"


def test_buttons_become_one_inline_button_per_row() -> None:
    markup = keyboard_of((Button("Yes", "forget:yes:1"), Button("No", "forget:no:1")))
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [
        ["forget:yes:1"],
        ["forget:no:1"],
    ]
    assert keyboard_of(()) is None
