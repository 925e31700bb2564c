"""Fuzzing, for a bounded number of examples: the image intake with random and mutated
pictures, and the bot core with random command arguments and forged button presses. Any
crash found here became a regression test where it was fixed."""

import asyncio
import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.commands import COMMANDS
from bot.events import ButtonPress, Command, Conversation, Sender
from bot.texts import MESSAGES, Texts
from fer_engine.errors import BadImage
from fer_engine.image_intake import decode_image
from fer_engine.pipeline import Pipeline
from fer_engine.settings import ImageSettings
from tests.bot.conftest import Harness, harness_for
from tests.bot.conftest import settings as bot_settings
from tests.images import encode, noise

LIMITS = ImageSettings(max_pixels=4_000_000)  # a fuzzed header may claim anything below it
SEEDS = [encode(noise(1, (24, 16)), fmt) for fmt in ("JPEG", "PNG", "WEBP", "BMP", "GIF")]
SORRY = {Texts(language)("sorry") for language in ("en", "ko")}
# benchmarks/soak.py asks for more examples.
EXAMPLES = int(os.environ.get("FERBOT_SOAK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PERSON = Sender("telegram", "4242", "Fuzz", "en")
PLACES = (
    Conversation("telegram", "4242", "private", "Fuzz"),
    Conversation("telegram", "-4242", "group", "Fuzz group"),
)


def decodes_or_refuses(data: bytes) -> None:
    try:
        image = decode_image(data, LIMITS)
    except BadImage as refusal:
        assert refusal.code in MESSAGES["en"]
    else:
        assert isinstance(image, Image.Image) and image.mode == "RGB"


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes_decode_or_are_refused_with_a_code_the_bot_words(data: bytes) -> None:
    decodes_or_refuses(data)


@FUZZ
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    st.integers(1, 10_000),
)
def test_damaged_pictures_of_every_format_decode_or_are_refused_with_a_code_the_bot_words(
    seed: bytes, flips: list[tuple[int, int]], keep: int
) -> None:
    data = bytearray(seed[:keep])
    for position, value in flips:
        if data:
            data[position % len(data)] = value
    decodes_or_refuses(bytes(data))


@pytest.fixture
def core(
    bundled_pipeline: Pipeline, tmp_path
) -> Iterator[tuple[Harness, asyncio.AbstractEventLoop]]:
    """The real bot core on its own event loop (hypothesis drives it from synchronous code)."""
    loop = asyncio.new_event_loop()
    harnesses = harness_for(bundled_pipeline, bot_settings(tmp_path))
    harness = loop.run_until_complete(anext(harnesses))
    try:
        yield harness, loop
    finally:
        loop.run_until_complete(harnesses.aclose())
        loop.close()


ARGUMENT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789:%.-+edfinaoNIF/ ", max_size=12),
    st.sampled_from(["on", "off", "all", "7d", "1d", "Asia/Seoul", "daily", "21:00", "50%"]),
    st.text(min_size=250, max_size=400),
)


def test_every_command_with_any_arguments_is_answered_without_an_apology(core) -> None:
    harness, loop = core

    @FUZZ
    @given(
        st.sampled_from(sorted(COMMANDS)),
        st.lists(ARGUMENT, max_size=4),
        st.sampled_from(PLACES),
        st.booleans(),
    )
    def check(name: str, args: list[str], place: Conversation, admin: bool) -> None:
        command = Command(PERSON, place, name, tuple(args), sender_is_admin=admin)
        reply = loop.run_until_complete(harness.bot.handle(command))
        assert reply is not None and reply.text not in SORRY, (name, args)

    check()


def test_any_forged_button_press_is_answered_without_an_apology(core) -> None:
    harness, loop = core

    @FUZZ
    @given(st.one_of(st.text(max_size=60), st.text(max_size=30).map(lambda t: "forget:" + t)))
    def check(data: str) -> None:
        press = ButtonPress(PERSON, PLACES[0], data)
        reply = loop.run_until_complete(harness.bot.handle(press))
        assert reply is None or reply.text not in SORRY, data

    check()
