"""colorize() end to end: bytes in, bytes out, the luminance kept, metadata and progress."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from colorizer_site import engine
from colorizer_site.engine.color import lab_of_rgb, lightness_of_gray
from colorizer_site.engine.types import ColorizeOptions, EngineConfig, ModelEntry
from tests.engine.conftest import A_SLOPE, B_VALUE, encoded, photo, zhang_graph


def _result_pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_luminance_is_kept_exactly_and_colour_comes_from_the_model(config: EngineConfig) -> None:
    source = photo(320, 200)
    result = engine.colorize(
        encoded(source, "PNG"), ColorizeOptions(model="tiny", output_format="png"), config
    )
    lab = lab_of_rgb(_result_pixels(result.data))
    lightness = lightness_of_gray(np.asarray(source))

    assert (result.width, result.height) == (320, 200)
    # Only 8-bit rounding of the output separates its L* from the input's.
    assert np.abs(lab[..., 0] - lightness).max() < 0.6
    # Where the test graph's colour fits in sRGB, the output carries it.
    middle = (lightness > 30) & (lightness < 70)
    assert np.median(np.abs(lab[..., 1] - A_SLOPE * (lightness - 50))[middle]) < 1.5
    assert np.median(lab[..., 2][middle]) == pytest.approx(B_VALUE, abs=1.0)


def test_jpeg_output_keeps_the_luminance_within_jpeg_rounding(config: EngineConfig) -> None:
    source = photo(256, 256)
    result = engine.colorize(encoded(source, "PNG"), ColorizeOptions(model="tiny"), config)
    assert result.format == "jpeg" and result.content_type == "image/jpeg"
    lab = lab_of_rgb(_result_pixels(result.data))
    error = np.abs(lab[..., 0] - lightness_of_gray(np.asarray(source)))
    assert error.mean() < 0.8


def test_metadata_lists_stages_timings_and_model(config: EngineConfig) -> None:
    result = engine.colorize(
        encoded(photo(), "JPEG"),
        ColorizeOptions(model="large", clean_scratches=True, output_format="webp"),
        config,
    )
    metadata = result.metadata()
    assert metadata["stages"] == ["decode", "clean_scratches", "colorize", "encode"]
    assert set(metadata["timings_ms"]) == set(metadata["stages"])
    assert all(value >= 0 for value in metadata["timings_ms"].values())
    assert metadata["model"] == "own-test"
    assert Image.open(io.BytesIO(result.data)).format == "WEBP"


def test_scratch_repair_on_a_clean_photo_changes_nothing_and_says_so(config: EngineConfig) -> None:
    smooth = Image.linear_gradient("L").resize((320, 240)).filter(ImageFilter.GaussianBlur(2))
    result = engine.colorize(
        encoded(smooth, "PNG"), ColorizeOptions(model="tiny", clean_scratches=True), config
    )
    # Nothing to repair: the add-on says so, and names itself for the refund.
    assert result.unchanged_addons == ["clean_scratches"]
    assert "found no scratches" in " ".join(result.notes)


def test_progress_is_reported_in_order_up_to_100(config: EngineConfig) -> None:
    seen: list[tuple[str, int]] = []
    engine.colorize(
        encoded(photo(), "PNG"),
        ColorizeOptions(model="tiny", clean_scratches=True),
        config,
        progress=lambda stage, percent: seen.append((stage, percent)),
    )
    percents = [percent for _, percent in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert [stage for stage, _ in seen][:3] == ["decode", "clean_scratches", "colorize"]


def test_colour_input_is_colorized_from_its_luminance_and_noted(config: EngineConfig) -> None:
    colourful = Image.new("RGB", (64, 64), (200, 30, 30))
    colourful.paste((20, 40, 220), (0, 0, 32, 64))
    result = engine.colorize(
        encoded(colourful, "PNG"), ColorizeOptions(model="tiny", output_format="png"), config
    )
    assert any("already in colour" in note for note in result.notes)
    out = lab_of_rgb(_result_pixels(result.data))
    source = lab_of_rgb(np.asarray(colourful))
    assert np.abs(out[..., 0] - source[..., 0]).max() < 0.6
    assert abs(np.median(out[..., 2]) - source[..., 2].mean()) > 20  # the old colour is gone


def test_grey_input_gets_no_colour_note(config: EngineConfig) -> None:
    result = engine.colorize(encoded(photo(mode="RGB"), "JPEG"), ColorizeOptions("tiny"), config)
    assert not any("already in colour" in note for note in result.notes)


def test_gps_is_dropped_and_camera_data_kept(config: EngineConfig) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Rolleiflex"  # Make
    exif[0x0112] = 3  # upside down
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    data = encoded(photo(), "JPEG", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)

    for output_format in ("jpeg", "png", "webp"):
        result = engine.colorize(data, ColorizeOptions("tiny", output_format=output_format), config)
        written = Image.open(io.BytesIO(result.data)).getexif()
        assert not written.get_ifd(0x8825)
        assert 0x8825 not in written
        assert written.get(0x010F) == "Rolleiflex"
        assert written.get(0x0112, 1) == 1  # the rotation is in the pixels now


def test_alpha_survives_png_and_is_flattened_on_white_for_jpeg(config: EngineConfig) -> None:
    picture = photo(64, 64).convert("LA")
    alpha = Image.new("L", (64, 64), 255)
    alpha.paste(0, (0, 0, 16, 64))
    picture.putalpha(alpha)
    data = encoded(picture, "PNG")

    as_png = Image.open(
        io.BytesIO(engine.colorize(data, ColorizeOptions("tiny", output_format="png"), config).data)
    )
    assert as_png.mode == "RGBA"
    assert np.asarray(as_png)[:, :16, 3].max() == 0
    as_jpeg = _result_pixels(engine.colorize(data, ColorizeOptions("tiny"), config).data)
    assert as_jpeg[:, :12].min() > 240


def test_unknown_model_name_is_model_not_installed(config: EngineConfig) -> None:
    with pytest.raises(engine.ModelNotInstalled, match="no model called 'huge'"):
        engine.colorize(encoded(photo(), "PNG"), ColorizeOptions("huge"), config)


def test_model_entry_without_file_is_model_not_installed(tmp_path: Path) -> None:
    missing = ModelEntry(name="eccv16", family="eccv16", path=tmp_path / "x.onnx", input_size=256)
    config = EngineConfig(models={"large": missing})
    with pytest.raises(engine.ModelNotInstalled, match="not installed"):
        engine.colorize(encoded(photo(), "PNG"), ColorizeOptions("large"), config)


def test_third_party_family_runs_through_the_whole_pipeline(model_dir: Path) -> None:
    entry = ModelEntry(
        name="eccv16", family="eccv16", path=zhang_graph(model_dir / "e.onnx"), input_size=256
    )
    config = EngineConfig(models={"large": entry}, threads=1)
    result = engine.colorize(encoded(photo(500, 300), "JPEG"), ColorizeOptions("large"), config)
    assert (result.width, result.height) == (500, 300)
    assert result.model == "eccv16"


def test_errors_are_typed_before_any_work(config: EngineConfig) -> None:
    with pytest.raises(engine.InvalidImage):
        engine.colorize(b"", ColorizeOptions("tiny"), config)
    with pytest.raises(engine.UnsupportedFormat):
        engine.colorize(b"GIF89a" + b"\0" * 100, ColorizeOptions("tiny"), config)
    small = EngineConfig(models=config.models, max_pixels=100)
    with pytest.raises(engine.ImageTooLarge):
        engine.colorize(encoded(photo(), "PNG"), ColorizeOptions("tiny"), small)


def test_sixteen_bit_input_colorizes(config: EngineConfig) -> None:
    levels = np.linspace(0, 65535, 128 * 96).astype(np.uint16).reshape(96, 128)
    result = engine.colorize(
        encoded(Image.fromarray(levels), "PNG"),
        ColorizeOptions("tiny", output_format="png"),
        config,
    )
    lab = lab_of_rgb(_result_pixels(result.data))
    assert np.abs(lab[..., 0] - lightness_of_gray(levels)).max() < 0.6


def test_thumbnail_is_a_small_webp() -> None:
    thumbnail = engine.make_thumbnail(encoded(photo(1200, 800, mode="RGB"), "JPEG"), 320)
    image = Image.open(io.BytesIO(thumbnail))
    assert image.format == "WEBP" and image.size == (320, 213)


def test_thumbnail_of_sixteen_bit_grey_is_not_clipped() -> None:
    levels = np.full((40, 40), 32896, np.uint16)  # mid grey in 16 bits
    thumbnail = engine.make_thumbnail(encoded(Image.fromarray(levels), "PNG"), 32)
    assert abs(int(np.asarray(Image.open(io.BytesIO(thumbnail)).convert("L"))[16, 16]) - 128) <= 2


def test_thumbnail_refuses_non_images() -> None:
    with pytest.raises(engine.UnsupportedFormat):
        engine.make_thumbnail(b"not an image")


@pytest.mark.parametrize("size", [(1, 1), (1, 9), (9, 1), (2, 2)])
@pytest.mark.parametrize("level", [0, 128, 255])
def test_tiny_images_at_the_ends_of_the_grey_scale(
    config: EngineConfig, size: tuple[int, int], level: int
) -> None:
    # Black and white pixels cannot carry any colour: the model's a*, b* must be
    # dropped there without touching L, even when the whole image is one pixel.
    data = encoded(Image.new("L", size, level), "PNG")
    options = ColorizeOptions("tiny", clean_scratches=True, output_format="png")
    result = engine.colorize(data, options, config)
    pixels = _result_pixels(result.data)
    assert pixels.shape[:2] == (size[1], size[0])
    assert np.abs(pixels.astype(int) - level).max() <= (1 if level in (0, 255) else 40)
    assert np.abs(lab_of_rgb(pixels)[..., 0] - lightness_of_gray(np.uint8([[level]]))).max() < 0.6
