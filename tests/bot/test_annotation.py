"""The annotated photo: boxes, numbers and labels readable, on their faces, never on each other."""

import io

import pytest
from PIL import Image

from bot.annotation import Drawing, Mark, annotate, place_labels
from bot.texts import Texts
from fer_engine.settings import ImageSettings
from tests.faceapi_samples import Sample, faceapi_samples
from tests.images import encode

SAMPLES = list(faceapi_samples())
KOREAN = Texts("ko")


def drawn(sample: Sample, max_side: int = 1280) -> Drawing:
    marks = [
        Mark(face.box, number, KOREAN.emotion(face.emotion), face.emotion)
        for number, face in enumerate(sample.faces, start=1)
    ]
    return annotate(sample.path.read_bytes(), marks, ImageSettings(), max_side)


def inside(inner: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    return inner[0] >= 0 and inner[1] >= 0 and inner[2] <= size[0] and inner[3] <= size[1]


def touches(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.name)
def test_every_label_lies_inside_the_photo_on_its_own_face_and_on_no_other_label(
    sample: Sample,
) -> None:
    drawing = drawn(sample)
    assert len(drawing.labels) == len(sample.faces)
    for number, (label, box) in enumerate(zip(drawing.labels, drawing.boxes, strict=True)):
        assert inside(label, drawing.size)
        assert touches(label, box)
        for other in drawing.labels[number + 1 :]:
            assert not overlap(label, other)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.name)
def test_the_photo_comes_back_as_a_jpeg_no_longer_than_1280_px(sample: Sample) -> None:
    drawing = drawn(sample)
    image = Image.open(io.BytesIO(drawing.jpeg))
    assert image.format == "JPEG" and max(image.size) == 1280 == max(drawing.size)


def test_labels_grow_with_the_photo_so_they_read_alike_on_small_and_large_photos() -> None:
    small, large = drawn(SAMPLES[0], max_side=400), drawn(SAMPLES[0], max_side=1280)
    small_height = small.labels[0][3] - small.labels[0][1]
    large_height = large.labels[0][3] - large.labels[0][1]
    assert small_height < large_height
    assert small_height / small.size[1] == pytest.approx(large_height / large.size[1], rel=0.25)


def test_a_small_photo_is_never_enlarged() -> None:
    photo = encode(Image.new("RGB", (300, 200), "grey"), "JPEG")
    drawing = annotate(photo, [Mark((100, 50, 80, 80), 1, "happy", "happy")], ImageSettings(), 1280)
    assert drawing.size == (300, 200)


def test_faces_side_by_side_get_labels_that_do_not_cover_each_other() -> None:
    boxes = [(10 + 30 * n, 100, 35 + 30 * n, 125) for n in range(5)]
    labels = place_labels((400, 300), boxes, [(60, 20)] * 5)
    for number, label in enumerate(labels):
        assert touches(label, boxes[number])
        assert not any(overlap(label, other) for other in labels[number + 1 :])


def test_a_face_at_the_top_edge_gets_its_label_inside_the_photo() -> None:
    (label,) = place_labels((400, 300), [(350, 0, 399, 40)], [(80, 20)])
    assert inside(label, (400, 300)) and touches(label, (350, 0, 399, 40))
