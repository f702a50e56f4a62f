"""Reduced-size previews (engine.preview) and the upright size that pins refer to."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from colorizer_site import engine
from colorizer_site.engine.color import lab_of_rgb, lightness_of_gray
from colorizer_site.engine.types import ColorizeOptions, ColourHint, EngineConfig
from tests.engine.conftest import encoded


def lab_of(data: bytes) -> np.ndarray:
    return lab_of_rgb(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))


@pytest.mark.parametrize("max_side", [256, 512])
def test_a_preview_is_a_jpeg_whose_long_side_is_the_asked_size(
    guided_config: EngineConfig, max_side: int
) -> None:
    photo = encoded(Image.new("L", (1200, 900), 140), "PNG")

    result = engine.preview(photo, ColorizeOptions(model="tiny"), guided_config, max_side)

    image = Image.open(io.BytesIO(result.data))
    assert image.format == "JPEG" and result.content_type == "image/jpeg"
    assert image.size == (max_side, round(900 * max_side / 1200)) == (result.width, result.height)


def test_a_small_photo_is_previewed_at_its_own_size(guided_config: EngineConfig) -> None:
    photo = encoded(Image.new("L", (200, 100), 140), "PNG")
    result = engine.preview(photo, ColorizeOptions(model="tiny"), guided_config, 512)
    assert (result.width, result.height) == (200, 100)


def test_pins_in_full_size_pixels_land_on_the_same_spot_of_the_preview(
    guided_config: EngineConfig,
) -> None:
    source = Image.new("L", (1600, 1200), 150)
    source.paste(110, (0, 0, 800, 1200))  # the left half is another surface
    pin = ColourHint(x=1200.0, y=300.0, color="#3a6ea5")  # a blue: b* well below 0
    options = ColorizeOptions(model="tiny", hints=(pin,))

    preview = lab_of(engine.preview(encoded(source, "PNG"), options, guided_config, 400).data)
    full = lab_of(engine.colorize(encoded(source, "PNG"), options, guided_config).data)

    want = lab_of_rgb(np.array([[[0x3A, 0x6E, 0xA5]]], dtype=np.uint8))[0, 0]
    # The same pin at a quarter of the size: (300, 75) in the preview.
    assert np.hypot(*(preview[75, 300, 1:] - want[1:])) < 6.0
    assert np.hypot(*(full[300, 1200, 1:] - want[1:])) < 6.0
    assert preview[75, 300, 2] < -20.0 and preview[250, 50, 2] > -5.0  # far away: not blue
    grey = float(lightness_of_gray(np.array([[110, 150]], dtype=np.uint8)).mean())
    assert abs(float(preview[..., 0].mean()) - grey) < 1.0


def test_vividness_and_a_bad_pin_behave_as_in_a_full_run(guided_config: EngineConfig) -> None:
    photo = encoded(Image.new("L", (300, 200), 150), "PNG")
    muted = lab_of(
        engine.preview(photo, ColorizeOptions(model="tiny", vividness=0), guided_config, 256).data
    )
    vivid = lab_of(
        engine.preview(photo, ColorizeOptions(model="tiny", vividness=100), guided_config, 256).data
    )
    assert vivid[..., 1].mean() > muted[..., 1].mean() + 10.0

    outside = ColourHint(x=300.0, y=10.0, color="#ff0000")
    with pytest.raises(engine.InvalidOptions, match="outside the 300x200 photo"):
        engine.preview(photo, ColorizeOptions(model="tiny", hints=(outside,)), guided_config, 256)


def test_the_probe_reports_the_upright_size_of_a_quarter_turned_photo(
    guided_config: EngineConfig,
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees to show
    buffer = io.BytesIO()
    Image.new("L", (400, 300), 128).save(buffer, "JPEG", exif=exif.tobytes())

    info = engine.probe_image(buffer.getvalue(), guided_config)

    assert (info.width, info.height) == (400, 300)
    assert info.displayed_size == (300, 400)
    plain = engine.probe_image(encoded(Image.new("L", (400, 300), 128), "PNG"), guided_config)
    assert plain.displayed_size == (400, 300)


def test_the_unsure_overlay_shades_where_this_photo_is_least_certain(
    guided_config: EngineConfig,
) -> None:
    # Left half mid-grey (the graph has no idea), right half white (sure of a* = +40).
    image = Image.new("L", (256, 128), 119)
    image.paste(255, (128, 0, 256, 128))
    halves = engine.analyze(encoded(image, "PNG"), ColorizeOptions(model="tiny"), guided_config)
    flat = engine.analyze(
        encoded(Image.new("L", (256, 128), 119), "PNG"),
        ColorizeOptions(model="tiny"),
        guided_config,
    )

    shade = np.asarray(Image.open(io.BytesIO(halves.unsure_overlay(256, 128))))
    even = np.asarray(Image.open(io.BytesIO(flat.unsure_overlay(256, 128))))

    assert shade.shape == (128, 256, 4)
    assert shade[:, :100, 3].mean() > 150 and shade[:, 160:, 3].mean() < 10
    assert even[..., 3].max() < 10  # equally unsure everywhere: nothing to point out
