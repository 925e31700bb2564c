"""Holding a ported detector's faces to a reference fixture's, as the parity tests do."""

import pytest

from fer_engine.faces import FaceBox


def assert_same_faces(found: list[FaceBox], expected: list[dict], score_tolerance: float) -> None:
    """As many faces as the reference, in its order (best score first); boxes, and landmarks
    where the reference has them, within a pixel; scores within `score_tolerance`."""
    assert len(found) == len(expected)
    for ours, theirs in zip(found, expected, strict=True):
        assert [ours.x, ours.y, ours.w, ours.h] == pytest.approx(theirs["box"], abs=1.0)
        if "landmarks" in theirs:
            ours_flat = [value for point in ours.landmarks or () for value in point]
            theirs_flat = [value for point in theirs["landmarks"] for value in point]
            assert ours_flat == pytest.approx(theirs_flat, abs=1.0)
        assert ours.score == pytest.approx(theirs["score"], abs=score_tolerance)
