from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from fer_engine.faceapi.bundled import load_ssd
from fer_engine.faceapi.face_detector import SsdFaceDetector
from fer_engine.faces import FaceBox, HaarDetector
from fer_engine.loading import build_detector
from fer_engine.settings import FaceSettings
from fer_engine.zoom_out import ZoomedView, ZoomOutDetector, without_zoom_out, zoomed_view
from ferbot.settings import load_settings
from tests.images import close_up

PHOTO_SIZE = (120, 90)
FACE = FaceBox(30, 20, 40, 50, score=0.9, landmarks=((35.0, 30.0), (60.0, 30.0), (50.0, 55.0)))
RED, BLUE = (200, 30, 30), (20, 20, 220)


def marked_photo() -> Image.Image:
    """A red photo with a blue block where `FACE` is: a face only the fake detector sees."""
    photo = Image.new("RGB", PHOTO_SIZE, RED)
    photo.paste(BLUE, (int(FACE.x), int(FACE.y), int(FACE.x + FACE.w), int(FACE.y + FACE.h)))
    return photo


class FindsTheBlueBlockOnlyZoomedOut:
    """Like a detector made for small faces: blind to the photo itself, it finds the blue
    block (and landmarks at the same place relative to it) on any larger canvas."""

    def __init__(self) -> None:
        self.looked_at: list[tuple[int, int]] = []

    def detect(self, image: Image.Image) -> list[FaceBox]:
        self.looked_at.append(image.size)
        if image.size == PHOTO_SIZE:
            return []
        blue = np.all(np.asarray(image) == BLUE, axis=-1)
        rows, cols = np.nonzero(blue)
        x, y = float(cols.min()), float(rows.min())
        dx, dy = x - FACE.x, y - FACE.y
        landmarks = tuple((lx + dx, ly + dy) for lx, ly in FACE.landmarks or ())
        return [FaceBox(x, y, cols.max() + 1 - x, rows.max() + 1 - y, FACE.score, landmarks)]


class AlwaysFinds:
    def __init__(self, box: FaceBox) -> None:
        self.box = box
        self.calls = 0

    def detect(self, image: Image.Image) -> list[FaceBox]:
        self.calls += 1
        return [self.box]


@pytest.mark.parametrize("fill", ["edge", "grey", "black", "replicate"])
def test_a_face_found_only_zoomed_out_comes_back_as_the_exact_box_in_the_photo(
    fill: str,
) -> None:
    inner = FindsTheBlueBlockOnlyZoomedOut()
    found = ZoomOutDetector(inner, (2.0, 3.0), fill, max_side=640).detect(marked_photo())
    assert found == [FACE]
    assert inner.looked_at == [PHOTO_SIZE, (240, 180)]  # scale 3 is never needed


def test_no_second_look_when_the_first_finds_a_face() -> None:
    inner = AlwaysFinds(FACE)
    assert ZoomOutDetector(inner, (2.0, 3.0), "edge", 640).detect(marked_photo()) == [FACE]
    assert inner.calls == 1


def test_every_scale_is_tried_in_turn_when_none_finds_a_face() -> None:
    class Blind:
        def __init__(self) -> None:
            self.looked_at: list[tuple[int, int]] = []

        def detect(self, image: Image.Image) -> list[FaceBox]:
            self.looked_at.append(image.size)
            return []

    inner = Blind()
    assert ZoomOutDetector(inner, (2.0, 3.0), "grey", 640).detect(marked_photo()) == []
    assert inner.looked_at == [PHOTO_SIZE, (240, 180), (360, 270)]


def test_boxes_reaching_into_the_fill_are_clipped_and_boxes_in_the_fill_dropped() -> None:
    view = zoomed_view(marked_photo(), 3.0, "grey", 640)
    ox, oy = view.offset
    reaching = FaceBox(ox - 10, oy + 80, 30, 20, 0.8, ((ox - 5.0, oy + 85.0),))
    outside = FaceBox(ox - 50, oy, 40, 40, 0.7)
    assert view.to_photo([reaching, outside]) == [FaceBox(0, 80, 20, 10, 0.8, ((-5.0, 85.0),))]


def test_the_photo_sits_in_the_middle_of_a_canvas_filled_as_asked() -> None:
    photo = marked_photo()
    grey = zoomed_view(photo, 2.0, "grey", 640)
    assert grey.canvas.size == (240, 180) and grey.offset == (60, 45)
    assert grey.canvas.getpixel((0, 0)) == (128, 128, 128)
    assert grey.canvas.crop((60, 45, 180, 135)).tobytes() == photo.tobytes()
    assert zoomed_view(photo, 2.0, "edge", 640).canvas.getpixel((0, 0)) == RED
    assert zoomed_view(photo, 2.0, "black", 640).canvas.getpixel((0, 0)) == (0, 0, 0)
    replicated = zoomed_view(photo, 2.0, "replicate", 640).canvas
    assert replicated.getpixel((0, 0)) == RED and replicated.getpixel((100, 0)) == RED


def test_a_large_photo_is_shrunk_on_the_canvas_and_its_boxes_scaled_back() -> None:
    view = zoomed_view(Image.new("RGB", (4000, 3000)), 3.0, "grey", max_side=640)
    assert view.canvas.size == (1920, 1440) and view.placed == (640, 480)
    ox, oy = view.offset
    (back,) = view.to_photo([FaceBox(ox + 64, oy + 32, 128, 96, 0.9, ((ox + 64.0, oy + 32.0),))])
    assert back == FaceBox(400, 200, 800, 600, 0.9, ((400.0, 200.0),))


def test_zoom_out_is_a_pass_around_any_configured_detector_and_can_be_turned_off() -> None:
    cpu = torch.device("cpu")
    for name in ("ssd", "haar"):
        wrapped = build_detector(FaceSettings(detector=name), cpu)
        assert isinstance(wrapped, ZoomOutDetector) and wrapped.scales == (3.0, 4.0)
        bare = build_detector(FaceSettings(detector=name, zoom_out=()), cpu)
        assert not isinstance(bare, ZoomOutDetector)
        assert type(without_zoom_out(wrapped)) is type(bare)
    assert isinstance(
        without_zoom_out(build_detector(FaceSettings(detector="ssd"), cpu)), SsdFaceDetector
    )
    assert isinstance(
        without_zoom_out(build_detector(FaceSettings(detector="haar"), cpu)), HaarDetector
    )
    assert not isinstance(
        build_detector(FaceSettings(detector="whole_image"), cpu), ZoomOutDetector
    )


def test_zoom_out_scales_must_enlarge_the_photo() -> None:
    with pytest.raises(ValueError, match="above 1"):
        FaceSettings(zoom_out=(1.0, 2.0))


def test_the_environment_sets_the_scales_or_turns_the_pass_off(tmp_path: Path) -> None:
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    for text, scales in [("[]", ()), ("[3, 4.5]", (3.0, 4.5))]:
        environ = {"FERBOT_ENGINE__FACES__ZOOM_OUT": text}
        assert load_settings(empty, environ=environ).engine.faces.zoom_out == scales


def test_the_bundled_ssd_finds_the_face_of_a_close_up_only_with_the_zoom_out_pass() -> None:
    ssd = SsdFaceDetector(load_ssd(torch.device("cpu")), min_confidence=0.5)
    photo = close_up()
    assert ssd.detect(photo) == []
    (found,) = ZoomOutDetector(ssd, (2.0, 3.0), "edge", 640).detect(photo)
    assert found.w > 250 and found.h > 250  # the face fills the frame
    assert found.x <= 175 <= found.x + found.w and found.y <= 175 <= found.y + found.h


def test_a_view_maps_its_own_canvas_back_to_the_whole_photo() -> None:
    view: ZoomedView = zoomed_view(marked_photo(), 2.5, "edge", 640)
    ox, oy = view.offset
    whole = FaceBox(ox, oy, PHOTO_SIZE[0], PHOTO_SIZE[1], 1.0)
    assert view.to_photo([whole]) == [FaceBox(0, 0, PHOTO_SIZE[0], PHOTO_SIZE[1], 1.0)]
