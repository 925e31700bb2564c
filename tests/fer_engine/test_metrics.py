from pathlib import Path

import pytest

from fer_engine.emotions import EMOTIONS
from fer_engine.train.datasets import image_folder
from fer_engine.train.metrics import classification_report

HAPPY, SAD, ANGRY = EMOTIONS.index("happy"), EMOTIONS.index("sad"), EMOTIONS.index("angry")


def test_accuracy_and_per_class_recall_count_hits_per_true_class() -> None:
    report = classification_report([HAPPY, HAPPY, HAPPY, SAD], [HAPPY, HAPPY, SAD, SAD])
    assert report.accuracy == 0.75
    assert report.per_class_accuracy["happy"] == pytest.approx(2 / 3)
    assert report.per_class_accuracy["sad"] == 1.0
    assert report.confusion[HAPPY, SAD] == 1 and report.support["happy"] == 3


def test_macro_f1_averages_only_classes_that_occur() -> None:
    # happy: p=1, r=2/3 -> f1=0.8; sad: p=1/2, r=1 -> f1=2/3; other classes absent.
    report = classification_report([HAPPY, HAPPY, HAPPY, SAD], [HAPPY, HAPPY, SAD, SAD])
    assert report.macro_f1 == pytest.approx((0.8 + 2 / 3) / 2)


def test_a_class_never_predicted_right_scores_zero() -> None:
    report = classification_report([ANGRY, HAPPY], [HAPPY, HAPPY])
    assert report.per_class_accuracy["angry"] == 0.0


def test_image_folder_maps_class_folder_names_to_our_order(tmp_path: Path) -> None:
    for folder in ("Fearful", "happy"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.jpg").write_bytes(b"")
    (tmp_path / "happy" / "notes.txt").write_text("not an image")
    images = image_folder(tmp_path).images
    assert [(image.path.name, EMOTIONS[image.label]) for image in images] == [
        ("a.jpg", "fear"),
        ("a.jpg", "happy"),
    ]
