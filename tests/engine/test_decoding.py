"""Decoding and validation: every accepted format, every refusal, every pixel-layout quirk."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer_site.engine.decoding import decode_image, probe_image
from colorizer_site.engine.errors import ImageTooLarge, InvalidImage, UnsupportedFormat
from colorizer_site.engine.types import EngineConfig
from tests.engine.conftest import encoded, photo
from tests.engine.icc import gray_profile

LIMITS = EngineConfig(models={})


@pytest.mark.parametrize(
    ("fmt", "options", "expected"),
    [
        ("JPEG", {}, "JPEG"),
        ("JPEG", {"progressive": True}, "JPEG"),
        ("PNG", {}, "PNG"),
        ("BMP", {}, "BMP"),
        ("WEBP", {"lossless": True}, "WEBP"),
        ("TIFF", {}, "TIFF"),
        ("TIFF", {"compression": "tiff_lzw"}, "TIFF"),
        ("TIFF", {"compression": "tiff_adobe_deflate"}, "TIFF"),
        ("SGI", {}, "SGI"),
        ("HEIF", {"quality": 90}, "HEIF"),
    ],
)
def test_every_accepted_format_decodes_to_the_same_picture(
    fmt: str, options: dict, expected: str
) -> None:
    picture = photo(80, 60, mode="RGB")
    data = encoded(picture, fmt, **options)

    info = probe_image(data, LIMITS)
    decoded = decode_image(data, LIMITS)

    assert (info.format, info.width, info.height) == (expected, 80, 60)
    pixels = decoded.rgb if decoded.rgb is not None else decoded.gray[..., None]
    lossy = fmt in ("JPEG", "HEIF")
    difference = np.abs(pixels.astype(int) - np.asarray(picture).astype(int)).mean()
    assert difference < (4 if lossy else 0.01)


def test_jfif_named_file_is_a_jpeg_and_names_do_not_matter() -> None:
    # Bytes decide: a PNG is a PNG whatever it was called, and JFIF is JPEG.
    jpeg = encoded(photo(), "JPEG")
    assert jpeg[6:10] == b"JFIF"
    assert probe_image(jpeg, LIMITS).format == "JPEG"
    assert probe_image(encoded(photo(), "PNG"), LIMITS).format == "PNG"


def test_empty_file_is_invalid() -> None:
    with pytest.raises(InvalidImage, match="empty"):
        probe_image(b"", LIMITS)


@pytest.mark.parametrize(
    "data",
    [b"hello, this is text, not a picture", b"%PDF-1.7\n" + b"0" * 200, encoded(photo(), "GIF")],
)
def test_non_images_and_other_formats_are_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedFormat, match="supported format"):
        probe_image(data, LIMITS)


def test_truncated_jpeg_is_refused_at_decode() -> None:
    data = encoded(photo(400, 300, mode="RGB"), "JPEG", quality=95)
    cut = data[: len(data) // 2]
    probe_image(cut, LIMITS)  # the header is intact
    with pytest.raises(InvalidImage, match="damaged or cut short"):
        decode_image(cut, LIMITS)


def test_truncated_png_is_refused() -> None:
    cut = encoded(photo(400, 300), "PNG")[:-200]
    with pytest.raises(InvalidImage):
        decode_image(cut, LIMITS)


def test_animated_webp_and_png_are_refused() -> None:
    frames = [photo(), photo().transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    for fmt in ("WEBP", "PNG"):
        data = encoded(frames[0], fmt, save_all=True, append_images=frames[1:], duration=100)
        with pytest.raises(InvalidImage, match="2 frames"):
            probe_image(data, LIMITS)


def test_multi_page_tiff_is_refused() -> None:
    data = encoded(photo(), "TIFF", save_all=True, append_images=[photo()])
    with pytest.raises(InvalidImage, match="frames"):
        decode_image(data, LIMITS)


def test_too_many_pixels_is_refused_from_the_header_alone() -> None:
    small_limit = EngineConfig(models={}, max_pixels=64 * 64, max_side=4096)
    # The pixel data is cut away: had the engine decoded, it would fail as truncated.
    header_only = encoded(photo(200, 100), "PNG")[:60]
    with pytest.raises(ImageTooLarge, match="200x100"):
        probe_image(header_only, small_limit)


def test_long_side_over_the_limit_is_refused() -> None:
    narrow = EngineConfig(models={}, max_side=100)
    with pytest.raises(ImageTooLarge, match="100 pixels a side"):
        decode_image(encoded(photo(120, 20), "PNG"), narrow)


def test_decompression_bomb_is_refused_before_decoding() -> None:
    # 30000x30000 of one grey level compresses to almost nothing.
    bomb = encoded(Image.new("L", (30000, 30000), 128), "PNG")
    assert len(bomb) < 2_000_000
    with pytest.raises(ImageTooLarge, match="too many pixels"):
        probe_image(bomb, LIMITS)


def test_too_many_bytes_is_refused() -> None:
    with pytest.raises(ImageTooLarge, match="MB"):
        probe_image(encoded(photo(), "BMP"), EngineConfig(models={}, max_bytes=1000))


def test_exif_orientation_is_applied() -> None:
    picture = Image.new("L", (60, 40), 0)
    picture.paste(255, (30, 0, 60, 40))  # right half white
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    decoded = decode_image(encoded(picture, "JPEG", exif=exif.tobytes(), quality=95), LIMITS)

    assert decoded.gray.shape == (60, 40)
    # After a clockwise turn the white right half is at the bottom.
    assert decoded.gray[:25].mean() < 20
    assert decoded.gray[35:].mean() > 235
    assert any("EXIF orientation" in note for note in decoded.notes)


def test_cmyk_jpeg_and_tiff_become_rgb() -> None:
    picture = Image.new("CMYK", (40, 20), (0, 0, 0, 0))  # paper white
    picture.paste((0, 0, 0, 255), (20, 0, 40, 20))  # black ink
    picture.paste((255, 0, 0, 0), (0, 0, 10, 20))  # cyan ink
    for fmt in ("JPEG", "TIFF"):
        decoded = decode_image(encoded(picture, fmt, quality=95), LIMITS)
        assert decoded.rgb is not None
        assert decoded.rgb[10, 15].min() > 240
        assert decoded.rgb[10, 30].max() < 15
        red, green, blue = decoded.rgb[10, 5].astype(int)
        assert red < 30 and green > 220 and blue > 220


def test_palette_image_keeps_its_colours() -> None:
    picture = photo(60, 40, mode="RGB").quantize(16)
    decoded = decode_image(encoded(picture, "PNG"), LIMITS)
    assert np.array_equal(decoded.rgb, np.asarray(picture.convert("RGB")))


def test_grey_with_alpha_keeps_grey_and_alpha() -> None:
    picture = photo(60, 40).convert("LA")
    alpha = Image.new("L", (60, 40), 255)
    alpha.paste(0, (0, 0, 30, 40))
    picture.putalpha(alpha)
    decoded = decode_image(encoded(picture, "PNG"), LIMITS)

    assert decoded.gray is not None and decoded.rgb is None
    assert np.array_equal(decoded.gray, np.asarray(picture.getchannel("L")))
    assert decoded.alpha[:, :30].max() == 0 and decoded.alpha[:, 30:].min() == 255


def test_sixteen_bit_grey_keeps_its_precision() -> None:
    levels = np.linspace(0, 65535, 256 * 64).astype(np.uint16).reshape(64, 256)
    picture = Image.fromarray(levels)
    assert picture.mode == "I;16"
    for fmt in ("PNG", "TIFF"):
        decoded = decode_image(encoded(picture, fmt), LIMITS)
        assert decoded.gray.dtype == np.uint16
        assert np.array_equal(decoded.gray, levels)
        assert len(np.unique(decoded.gray)) > 256


def test_sixteen_bit_rgb_maps_to_eight_bit() -> None:
    levels = np.zeros((16, 16, 3), np.uint16)
    levels[..., 0] = 65535  # cv2 writes BGR: this is blue
    levels[..., 2] = 32896  # about half red
    for extension in (".png", ".tiff"):
        ok, data = cv2.imencode(extension, levels)
        assert ok
        decoded = decode_image(data.tobytes(), LIMITS)
        assert decoded.rgb.dtype == np.uint8
        assert tuple(decoded.rgb[8, 8]) == (128, 0, 255)


def test_embedded_icc_profile_is_converted_to_srgb() -> None:
    # Level 128 in a linear-light grey profile is sRGB level 188.
    picture = Image.new("L", (8, 8), 128)
    decoded = decode_image(encoded(picture, "PNG", icc_profile=gray_profile(1.0)), LIMITS)
    assert abs(int(decoded.gray[4, 4]) - 188) <= 1
    assert any("colour profile" in note for note in decoded.notes)

    untagged = decode_image(encoded(picture, "PNG"), LIMITS)
    assert untagged.gray[4, 4] == 128


def test_one_bit_image_decodes_to_black_and_white() -> None:
    picture = photo(32, 32).convert("1")
    decoded = decode_image(encoded(picture, "PNG"), LIMITS)
    assert set(np.unique(decoded.gray)) <= {0, 255}


def test_heic_grey_photo_decodes() -> None:
    data = encoded(photo(64, 48, mode="RGB"), "HEIF", quality=95)
    decoded = decode_image(data, LIMITS)
    assert decoded.info.format == "HEIF"
    assert decoded.rgb.shape == (48, 64, 3)


def test_probe_reads_no_pixels_of_a_large_image() -> None:
    data = encoded(Image.new("L", (4000, 3000), 90), "PNG")
    info = probe_image(data, LIMITS)
    assert (info.width, info.height, info.mode, info.bytes) == (4000, 3000, "L", len(data))


def test_bmp_with_header_saying_huge_but_few_bytes_is_refused() -> None:
    data = bytearray(encoded(photo(8, 8), "BMP"))
    data[18:22] = (50000).to_bytes(4, "little")  # width
    data[22:26] = (50000).to_bytes(4, "little")  # height
    with pytest.raises(ImageTooLarge):
        probe_image(bytes(data), LIMITS)
