"""Hostile files through both platforms into `ferbot run`: a polite answer to each, no
worker dead, and ordinary photos still answered afterwards."""

import asyncio

import pytest

from tests.soak.hostile_files import CORPUS
from tests.soak.hostile_run import HostileReport, send_corpus


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> HostileReport:
    """The corpus sent once for the tests below (starting the process is the slow part)."""
    return asyncio.run(send_corpus(tmp_path_factory.mktemp("hostile")))


def test_the_corpus_holds_at_least_25_files() -> None:
    assert len(CORPUS) >= 25


def test_every_hostile_file_gets_a_polite_answer_on_both_platforms(
    report: HostileReport,
) -> None:
    assert len(report.answers) == 2 * report.files
    assert report.impolite == []


def test_no_worker_dies_and_an_ordinary_photo_is_answered_afterwards(
    report: HostileReport,
) -> None:
    assert report.crashes == 0
    assert [answer.polite for answer in report.after] == [True, True]


def test_no_token_appears_in_any_log_line_even_at_debug(report: HostileReport) -> None:
    assert report.leaked == []
