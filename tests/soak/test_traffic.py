"""The short soak: hundreds of photos from dozens of people over both platforms, in bursts,
through `ferbot run`; then the same under 500s, cut connections, a 429 storm and a SIGKILL.
(`benchmarks/soak.py` runs the full volumes.)"""

from pathlib import Path

from tests.soak.traffic import TrafficReport, Trouble, Volume, run_traffic

VOLUME = Volume(photos=160, people=40, burst=60)
TROUBLE = Trouble(error_share=0.03, drop_share=0.02, storm_s=3, kill=True)


async def test_every_photo_is_answered_exactly_once_and_stored_exactly_once(
    tmp_path: Path,
) -> None:
    report = await run_traffic(VOLUME, Trouble(), tmp_path)
    assert (report.answered, report.lost, report.duplicated) == (VOLUME.photos, 0, 0)
    assert_store_holds_each_photo_once(report)
    assert report.crashes == 0
    assert report.leaked == []


async def test_under_500s_cut_connections_a_429_storm_and_a_sigkill_no_photo_is_lost(
    tmp_path: Path,
) -> None:
    report = await run_traffic(VOLUME, TROUBLE, tmp_path)
    assert set(report.injected) == {"500", "drop", "429"} and report.kills == 1
    assert (report.answered, report.lost) == (VOLUME.photos, 0)
    assert report.caught_up > 0  # Discord photos were in flight across the kill, none lost
    assert_store_holds_each_photo_once(report)
    # Answered twice only where the answer came but the kill beat its confirmation.
    twice = {key for key, replies in report.answers.items() if replies > 1}
    assert twice <= report.redeliverable
    assert report.crashes == 0
    assert report.leaked == []


def assert_store_holds_each_photo_once(report: TrafficReport) -> None:
    assert report.stored == report.stored_distinct == report.photos
    assert report.integrity == "ok"
