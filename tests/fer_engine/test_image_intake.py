import numpy as np
import pytest
from PIL import Image

from fer_engine.errors import BadImage
from fer_engine.image_intake import decode_image, decode_reduced
from fer_engine.settings import ImageSettings
from tests.images import (
    EXIF_ORIENTATION,
    ROTATED_90_CW,
    animated_gif,
    encode,
    noise,
    png_header_claiming,
)

LIMITS = ImageSettings()


def refusal(data: bytes, limits: ImageSettings = LIMITS) -> BadImage:
    with pytest.raises(BadImage) as caught:
        decode_image(data, limits)
    return caught.value


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "GIF"])
def test_every_accepted_format_decodes_to_rgb_of_its_size(fmt: str) -> None:
    image = decode_image(encode(noise(1, (40, 30)), fmt), LIMITS)
    assert (image.mode, image.size) == ("RGB", (40, 30))


def test_empty_bytes_are_refused_as_empty() -> None:
    assert refusal(b"").reason == "empty"


def test_random_bytes_are_not_a_picture() -> None:
    assert refusal(np.random.default_rng(0).bytes(4096)).reason == "not_a_picture"


def test_a_text_file_is_not_a_picture() -> None:
    assert refusal(b"Dear bot,\nthis is a letter, not a photo.\n" * 20).reason == "not_a_picture"


def test_a_truncated_jpeg_is_refused_as_damaged() -> None:
    whole = encode(noise(2, (200, 200)), "JPEG")
    assert refusal(whole[: len(whole) // 2]).reason == "damaged"


def test_a_tiff_is_refused_naming_the_formats_we_read() -> None:
    assert refusal(encode(noise(3), "TIFF")).code == "bad_image.wrong_format"


def test_more_bytes_than_max_bytes_are_refused_with_the_limit() -> None:
    data = encode(noise(4, (64, 64)), "PNG")
    refused = refusal(data, ImageSettings(max_bytes=len(data) - 1))
    assert refused.reason == "too_many_bytes" and str(len(data) - 1) in refused.detail


def test_a_header_claiming_50000x50000_is_refused_before_decoding() -> None:
    # Decoding 2.5 gigapixels would need 7.5 GB: getting the answer at all shows it was not.
    assert refusal(png_header_claiming(50_000, 50_000)).reason == "too_many_pixels"


def test_the_pixel_limit_is_read_from_the_header() -> None:
    data = encode(noise(5, (20, 20)), "PNG")
    assert "399 pixels" in refusal(data, ImageSettings(max_pixels=399)).detail
    assert decode_image(data, ImageSettings(max_pixels=400)).size == (20, 20)


def test_one_pixel_image_decodes() -> None:
    assert decode_image(encode(Image.new("RGB", (1, 1), "red"), "PNG"), LIMITS).size == (1, 1)


def test_animated_gif_gives_its_first_frame() -> None:
    image = decode_image(animated_gif((255, 0, 0), (0, 0, 255)), LIMITS)
    red, _, blue = image.getpixel((8, 8))
    assert red > 200 and blue < 50


def test_cmyk_jpeg_becomes_rgb_with_its_colours() -> None:
    cmyk = Image.new("CMYK", (16, 16), (0, 255, 255, 0))  # pure red in CMYK
    red, green, blue = decode_image(encode(cmyk, "JPEG"), LIMITS).getpixel((8, 8))
    assert red > 200 and green < 60 and blue < 60


def test_16_bit_png_keeps_its_tones_instead_of_clipping_to_white() -> None:
    gradient = np.tile(np.linspace(0, 65535, 64, dtype=np.uint16), (8, 1))
    image = decode_image(encode(Image.fromarray(gradient), "PNG"), LIMITS)
    assert abs(image.getpixel((32, 4))[0] - 130) < 10


def test_transparent_png_pixels_become_white() -> None:
    rgba = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    assert decode_image(encode(rgba, "PNG"), LIMITS).getpixel((4, 4)) == (255, 255, 255)


def test_palette_png_with_transparency_becomes_white_where_transparent() -> None:
    palette = Image.new("P", (8, 8), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    data = encode(palette, "PNG", transparency=0)
    assert decode_image(data, LIMITS).getpixel((4, 4)) == (255, 255, 255)


def test_exif_orientation_is_applied() -> None:
    stored = Image.new("RGB", (40, 20), "blue")
    stored.paste((255, 0, 0), (0, 0, 20, 20))  # left half red
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    upright = decode_image(encode(stored, "JPEG", exif=exif), LIMITS)
    assert upright.size == (20, 40)
    assert upright.getpixel((10, 5))[0] > 200  # turned clockwise: the left half is now on top
    assert upright.getpixel((10, 35))[2] > 200


def test_a_jpeg_four_times_the_side_wanted_decodes_at_a_quarter_of_its_size() -> None:
    image, scale = decode_reduced(encode(noise(7, (2000, 1000)), "JPEG"), LIMITS, 500)
    assert (image.mode, image.size, scale) == ("RGB", (500, 250), 0.25)


def test_a_jpeg_under_twice_the_side_wanted_decodes_whole() -> None:
    image, scale = decode_reduced(encode(noise(8, (900, 600)), "JPEG"), LIMITS, 500)
    assert (image.size, scale) == ((900, 600), 1.0)


def test_a_png_decodes_whole_whatever_the_side_wanted() -> None:
    image, scale = decode_reduced(encode(noise(9, (400, 200)), "PNG"), LIMITS, 100)
    assert (image.size, scale) == ((400, 200), 1.0)


def test_a_reduced_jpeg_is_still_turned_upright() -> None:
    stored = Image.new("RGB", (800, 400), "blue")
    stored.paste((255, 0, 0), (0, 0, 400, 400))  # left half red
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = ROTATED_90_CW
    upright, scale = decode_reduced(encode(stored, "JPEG", exif=exif), LIMITS, 200)
    assert (upright.size, scale) == ((100, 200), 0.25)
    assert upright.getpixel((50, 20))[0] > 200  # the red half on top, as decode_image has it


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"plain text, no picture", "not_a_picture"),
        (encode(noise(6), "TIFF"), "wrong_format"),
        (png_header_claiming(50_000, 50_000), "too_many_pixels"),
    ],
)
def test_every_refusal_names_its_reason_for_translation(data: bytes, reason: str) -> None:
    with pytest.raises(BadImage) as caught:
        decode_image(data, LIMITS)
    assert caught.value.reason == reason
