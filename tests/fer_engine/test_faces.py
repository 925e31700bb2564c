import io

from PIL import Image

from fer_engine.faces import FaceBox, HaarDetector, WholeImageDetector, select_faces, square_crop
from fer_engine.image_intake import decode_image
from fer_engine.settings import FaceSettings, ImageSettings
from tests.images import exif_rotated_face, face, noise


def test_haar_finds_the_one_face_in_the_face_photo() -> None:
    (found,) = HaarDetector(FaceSettings()).detect(face())
    assert 60 < found.x < 120 and 60 < found.y < 120 and found.w > 120


def test_haar_finds_no_face_in_noise() -> None:
    assert HaarDetector(FaceSettings()).detect(noise(0, (400, 300))) == []


def test_the_face_of_an_exif_rotated_photo_is_found() -> None:
    detector = HaarDetector(FaceSettings())
    lying = Image.open(io.BytesIO(exif_rotated_face())).convert("RGB")
    assert detector.detect(lying) == []  # without the EXIF turn, the frontal detector is blind
    assert len(detector.detect(decode_image(exif_rotated_face(), ImageSettings()))) == 1


def test_whole_image_detector_returns_the_whole_picture() -> None:
    assert WholeImageDetector().detect(Image.new("RGB", (30, 20))) == [FaceBox(0, 0, 30, 20, 1.0)]


def test_select_faces_keeps_the_largest_then_numbers_left_to_right() -> None:
    boxes = [
        FaceBox(300, 0, 50, 50, 1.0),
        FaceBox(0, 0, 10, 10, 1.0),  # the smallest: dropped
        FaceBox(100, 0, 40, 40, 1.0),
    ]
    assert [box.x for box in select_faces(boxes, max_faces=2)] == [100, 300]


def test_square_crop_adds_the_margin_and_stays_square_at_the_border() -> None:
    image = Image.new("RGB", (100, 100), "white")
    crop = square_crop(image, FaceBox(0, 0, 40, 20, 1.0), margin=0.25)
    assert crop.size == (60, 60)
    assert crop.getpixel((0, 0)) == (0, 0, 0)  # outside the picture: black, not stretched
    assert crop.getpixel((59, 59)) == (255, 255, 255)
