import numpy as np
import pytest

from fer_engine.train.calibration import (
    calibrate,
    expected_calibration_error,
    fit_temperature,
    with_temperature,
)


def overconfident(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Logits of a net right about 60% of the time but sure of itself near 100% of the time."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 7, 4000)
    guesses = np.where(rng.random(4000) < 0.6, labels, rng.integers(0, 7, 4000))
    logits = rng.normal(0, 1, (4000, 7))
    logits[np.arange(4000), guesses] += 8.0
    return logits, labels


def test_answers_exactly_as_often_right_as_sure_have_no_calibration_error() -> None:
    probs = np.array([[0.8, 0.2]] * 10)
    labels = np.array([0] * 8 + [1] * 2)
    assert expected_calibration_error(probs, labels) == pytest.approx(0.0)


def test_an_overconfident_net_gets_a_temperature_above_one_that_calibrates_it() -> None:
    logits, labels = overconfident()
    temperature = fit_temperature(logits, labels)
    before = expected_calibration_error(with_temperature(logits, 1.0), labels)
    after = expected_calibration_error(with_temperature(logits, temperature), labels)
    assert temperature > 1.5
    assert before > 0.3 and after < before / 4


def test_a_temperature_never_changes_which_emotion_is_likeliest() -> None:
    logits, _ = overconfident()
    assert (with_temperature(logits, 4.0).argmax(1) == logits.argmax(1)).all()


def test_a_head_already_served_at_a_temperature_is_fitted_from_its_raw_logits() -> None:
    logits, labels = overconfident()
    served = with_temperature(logits, 2.0)
    fitted = calibrate(served, labels, current_temperature=2.0)
    assert fitted.temperature == pytest.approx(fit_temperature(logits, labels), rel=1e-3)
    assert fitted.error_before == pytest.approx(
        expected_calibration_error(with_temperature(logits, 1.0), labels), abs=1e-6
    )
