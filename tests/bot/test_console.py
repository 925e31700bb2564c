import io
from collections.abc import AsyncIterator
from pathlib import Path

from adapters.console import ConsoleAdapter
from tests.images import FACE_JPEG


async def typed(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line + "\n"


async def chat(harness, *lines: str, charts: Path | None = None) -> list[str]:
    out = io.StringIO()
    await ConsoleAdapter(typed(*lines), out, user="alice", charts=charts).run(harness.bot)
    return out.getvalue().splitlines()[1:]  # after the welcome line


async def test_a_typed_photo_path_is_analysed(harness) -> None:
    lines = await chat(harness, str(FACE_JPEG))
    assert lines[:2] == ["I found one face:", lines[1]] and "happy" in lines[1]


async def test_a_path_in_quotes_from_a_dropped_file_works(harness) -> None:
    assert (await chat(harness, f"'{FACE_JPEG}'"))[0] == "I found one face:"


async def test_a_missing_file_is_named_plainly(harness, tmp_path: Path) -> None:
    missing = tmp_path / "nothing.jpg"
    assert await chat(harness, str(missing)) == [f"Can't read {missing}: No such file or directory"]


async def test_an_empty_file_gets_the_bots_polite_answer(harness, tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert await chat(harness, str(empty)) == ["This file is empty."]


async def test_buttons_are_numbered_and_a_number_presses_one(harness) -> None:
    lines = await chat(harness, str(FACE_JPEG), "/forget", "1", "/history")
    assert "  [1] Yes, delete everything" in lines
    assert "Done: I deleted 1 analysis and everything else about you." in lines
    assert lines[-1] == "No photos in the last 7 days. Send me one!"


async def test_quit_ends_the_chat(harness) -> None:
    assert await chat(harness, "/quit", "/help") == []


async def test_a_chart_is_saved_to_a_file_whose_path_is_shown(harness, tmp_path: Path) -> None:
    lines = await chat(harness, str(FACE_JPEG), "/history", charts=tmp_path)
    (shown,) = [line for line in lines if line.startswith("(chart: ")]
    path = Path(shown.removeprefix("(chart: ").removesuffix(")"))
    assert path.parent == tmp_path and path.read_bytes().startswith(b"\x89PNG")
