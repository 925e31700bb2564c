from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from fer_engine.emotions import EMOTIONS
from fer_engine.train.datasets import (
    SPLITS,
    DatasetLayoutError,
    class_weights,
    load_split,
    stratified_split,
)
from fer_engine.train.face_pixels import load_face_pixels
from tests.fer_engine.train.synthetic import (
    write_class_folders,
    write_fer2013_csv,
    write_fer2013_folders,
    write_rafdb,
)


def test_rafdb_labels_1_to_7_are_surprise_fear_disgust_happy_sad_angry_neutral(
    tmp_path: Path,
) -> None:
    root = tmp_path / "raf"
    write_rafdb(root, train_per_class=1, test_per_class=1)
    (root / "EmoLabel" / "list_patition_label.txt").write_text(
        "".join(f"test_{n:04d}.jpg {n}\n" for n in range(1, 8))
    )
    test = load_split(root, "rafdb", "test")
    assert [EMOTIONS[image.label] for image in test.images] == list(EMOTIONS)
    assert [image.path.name for image in test.images][:2] == [
        "test_0001_aligned.jpg",
        "test_0002_aligned.jpg",
    ]


def test_rafdb_keeps_the_official_test_split_and_carves_val_from_train(tmp_path: Path) -> None:
    root = write_rafdb(tmp_path / "raf", train_per_class=20, test_per_class=3)
    train, val, test = (load_split(root, "rafdb", split) for split in ("train", "val", "test"))
    assert len(test.images) == 21
    assert all(image.path.name.startswith("test_") for image in test.images)
    assert len(train.images) + len(val.images) == 140
    assert {image.path for image in train.images}.isdisjoint(image.path for image in val.images)
    assert set(val.class_counts().values()) == {2}  # 10% of 20 from every class


def test_the_validation_carve_is_the_same_on_every_run_and_stratified() -> None:
    labels = [0] * 50 + [3] * 200 + [6] * 10
    first = stratified_split(labels, 0.1, seed=0)
    assert first == stratified_split(labels, 0.1, seed=0)
    held = Counter(labels[i] for i in first[1])
    assert held == {0: 5, 3: 20, 6: 1}


def test_a_rafdb_image_listed_but_missing_is_skipped_and_counted(tmp_path: Path) -> None:
    root = write_rafdb(tmp_path / "raf", train_per_class=1, test_per_class=2)
    (root / "Image" / "aligned" / "test_0001_aligned.jpg").unlink()
    test = load_split(root, "rafdb", "test")
    assert len(test.images) == 13
    assert test.skipped == {"listed but missing": 1}


def test_fer2013_folders_map_their_class_names_and_use_public_test_as_val(tmp_path: Path) -> None:
    root = write_fer2013_folders(tmp_path / "fer", per_class=3)
    train, val = load_split(root, "fer2013", "train"), load_split(root, "fer2013", "val")
    assert train.class_counts() == dict.fromkeys(EMOTIONS, 3)
    assert all(image.path.parent.parent.name == "public_test" for image in val.images)
    for image in train.images:
        assert EMOTIONS[image.label] == image.path.parent.name


def test_fer2013_csv_rows_become_images_of_the_usage_asked_for(tmp_path: Path) -> None:
    csv_file = write_fer2013_csv(tmp_path / "fer2013.csv", per_class=2)
    val = load_split(tmp_path, "fer2013", "val")
    assert val.class_counts() == dict.fromkeys(EMOTIONS, 2)
    picture = val.images[0].open()
    assert picture.size == (48, 48) and picture.mode == "RGB"
    assert len(load_split(csv_file, "fer2013", "test").images) == 14


def test_fer2013_csv_maps_its_0_to_6_numbering_to_ours(tmp_path: Path) -> None:
    rows = "".join(f"{n},{' '.join([str(10 * n)] * 2304)},Training\n" for n in range(7))
    (tmp_path / "fer2013.csv").write_text("emotion,pixels,Usage\n" + rows)
    train = load_split(tmp_path, "fer2013", "train")
    named = {image.pixels[0] // 10: EMOTIONS[image.label] for image in train.images}
    # FER2013 numbers 0 angry, 1 disgust, 2 fear, 3 happy, 4 sad, 5 surprise, 6 neutral.
    assert named == dict(
        enumerate(["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"])
    )


def test_an_image_folder_skips_and_counts_unknown_class_folders(tmp_path: Path) -> None:
    write_class_folders(tmp_path, per_class=10)
    (tmp_path / "contempt").mkdir()
    for n in range(4):
        (tmp_path / "contempt" / f"{n}.png").write_bytes(b"x")
    train = load_split(tmp_path, "imagefolder", "train")
    assert train.skipped == {"unknown class folder 'contempt'": 4}
    assert "contempt" not in {image.path.parent.name for image in train.images}


def test_a_single_image_folder_is_all_test_set_and_carved_for_training(tmp_path: Path) -> None:
    write_class_folders(tmp_path, per_class=10)
    train, val, test = (load_split(tmp_path, "imagefolder", split) for split in SPLITS)
    assert len(test.images) == 70
    assert (len(train.images), len(val.images)) == (63, 7)


def test_an_image_folder_with_split_subfolders_uses_them(tmp_path: Path) -> None:
    write_class_folders(tmp_path / "train", per_class=4, seed=1)
    write_class_folders(tmp_path / "test", per_class=2, seed=2)
    test = load_split(tmp_path, "imagefolder", "test")
    assert len(test.images) == 14
    assert all(image.path.parent.parent.name == "test" for image in test.images)


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("rafdb", "EmoLabel/list_patition_label.txt and Image/aligned"),
        ("fer2013", "fer2013.csv or train/<class>/"),
        ("imagefolder", "<class>/ or train/<class>/"),
    ],
)
def test_a_wrong_layout_fails_at_once_naming_what_was_expected(
    tmp_path: Path, layout: str, expected: str
) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"")
    with pytest.raises(DatasetLayoutError, match="expected " + expected.replace("(", r"\(")):
        load_split(tmp_path, layout, "train")


def test_unreadable_images_are_skipped_and_counted_when_read(tmp_path: Path) -> None:
    write_class_folders(tmp_path, per_class=2)
    (tmp_path / "happy" / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    split = load_split(tmp_path, "imagefolder", "train")
    pixels = load_face_pixels(split, input_size=32, margin=0.0, desc="test")
    assert pixels.skipped == {"unreadable image": 1}
    assert pixels.pixels.shape == (len(split.images) - 1, 3, 32, 32)


def test_balanced_class_weights_favour_rare_classes() -> None:
    weights = class_weights([3] * 90 + [1] * 10)
    assert weights[1] == pytest.approx(9 * weights[3])
    assert weights[0] == 0.0
    assert np.isclose((weights[[3] * 90 + [1] * 10]).sum(), 2 * 100 / 7)
