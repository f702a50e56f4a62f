"""Colour pins and vividness through the engine, on the guided test graph of conftest."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from colorizer_site import engine
from colorizer_site.engine.color import lab_of_rgb, lightness_of_gray
from colorizer_site.engine.distribution import (
    temperature_of_vividness,
    vividness_of_temperature,
)
from colorizer_site.engine.types import ColorizeOptions, ColourHint, EngineConfig
from tests.engine.conftest import encoded


def flat_photo(width: int = 256, height: int = 192, level: int = 128) -> Image.Image:
    return Image.new("L", (width, height), level)


def result_lab(data: bytes) -> np.ndarray:
    return lab_of_rgb(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))


def run(config: EngineConfig, image: Image.Image, **options) -> np.ndarray:
    result = engine.colorize(
        encoded(image, "PNG"), ColorizeOptions(output_format="png", **options), config
    )
    return result_lab(result.data)


def test_a_pin_sets_the_colour_of_its_region_and_keeps_the_lightness(
    guided_config: EngineConfig,
) -> None:
    # Left half one plain surface, right half another, each with a little grain.
    values = np.full((192, 256), 128.0)
    values[:, 128:] = 175.0
    values += np.random.default_rng(1).normal(0.0, 2.0, values.shape)
    source = Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))
    pin = ColourHint(x=200.0, y=40.0, color="#c8a040")  # a yellow: b* > 0
    lab = run(guided_config, source, model="tiny", hints=(pin,))
    unpinned = run(guided_config, source, model="tiny")
    # At the pin and across its whole surface (the right half) the colour is the pin's...
    assert lab[40, 200, 2] > 25.0 > unpinned[40, 200, 2] + 12.0
    assert lab[170, 150, 2] > 25.0 > unpinned[170, 150, 2] + 12.0
    # ...and the other surface did not change.
    assert np.abs(lab[:, :110, 1:] - unpinned[:, :110, 1:]).max() < 1.5
    # The output keeps the input's lightness exactly, pin or not.
    assert np.abs(lab[..., 0] - lightness_of_gray(np.asarray(source))).max() < 0.6


def test_vividness_moves_colours_between_muted_and_vivid(guided_config: EngineConfig) -> None:
    bright = flat_photo(level=150)
    muted = run(guided_config, bright, model="tiny", vividness=0)
    vivid = run(guided_config, bright, model="tiny", vividness=100)
    default = run(guided_config, bright, model="tiny")
    assert vivid[..., 1].mean() > default[..., 1].mean() > muted[..., 1].mean() + 3.0
    assert vivid[..., 1].mean() > 30.0  # close to the likeliest bin, a* = +40


def test_vividness_scale_round_trips_and_stays_ordered() -> None:
    temperatures = [temperature_of_vividness(v) for v in range(0, 101, 10)]
    assert temperatures == sorted(temperatures, reverse=True)
    assert temperatures[0] == pytest.approx(1.0)
    for vividness in (0, 25, 50, 73, 100):
        assert vividness_of_temperature(temperature_of_vividness(vividness)) == vividness


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[{", "not valid JSON"),
        ('{"x": 1}', "must be a JSON array"),
        ('[{"x": 1, "y": 2}]', 'exactly "x", "y" and "color"'),
        ('[{"x": "a", "y": 2, "color": "#ffffff"}]', "x and y must be numbers"),
        ('[{"x": 1, "y": 2, "color": "blue"}]', 'color must be "#rrggbb"'),
        ('[{"x": 1, "y": 2, "color": "#fff"}]', 'color must be "#rrggbb"'),
        (
            "[" + ",".join(['{"x": 1, "y": 2, "color": "#ffffff"}'] * 33) + "]",
            "at most 32 hints",
        ),
    ],
)
def test_bad_hints_are_refused_with_a_sentence_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(engine.InvalidOptions, match=message) as caught:
        engine.parse_hints(text)
    assert caught.value.field == "hints"


def test_hints_parse_from_json() -> None:
    hints = engine.parse_hints('[{"x": 120, "y": 48.5, "color": "#3A6EA5"}]')
    assert hints == (ColourHint(x=120.0, y=48.5, color="#3a6ea5"),)
    assert engine.parse_hints("") == () and engine.parse_hints(None) == ()


def test_a_pin_outside_the_photo_is_refused_before_colorizing(guided_config) -> None:
    outside = ColourHint(x=256.0, y=10.0, color="#ff0000")
    with pytest.raises(engine.InvalidOptions, match=r"outside the 256x192 photo"):
        run(guided_config, flat_photo(), model="tiny", hints=(outside,))


@pytest.mark.parametrize("vividness", [-1, 101, True])
def test_vividness_out_of_range_is_refused(guided_config, vividness) -> None:
    with pytest.raises(engine.InvalidOptions, match="from 0 to 100") as caught:
        run(guided_config, flat_photo(), model="tiny", vividness=vividness)
    assert caught.value.field == "vividness"


def test_a_model_without_hint_input_refuses_pins(guided_config) -> None:
    pin = ColourHint(x=10.0, y=10.0, color="#ff0000")
    with pytest.raises(engine.InvalidOptions, match="does not take colour hints"):
        run(guided_config, flat_photo(), model="plain", hints=(pin,))


def test_alternatives_come_best_first_and_reflect_pins(guided_config) -> None:
    data = encoded(flat_photo(level=200), "PNG")
    analysis = engine.analyze(data, ColorizeOptions(model="tiny"), guided_config)
    choices = analysis.alternatives(100.0, 100.0, count=3)
    probabilities = [choice.probability for choice in choices]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-3)
    red = lab_of_rgb(np.array([[[int(choices[0].color[i : i + 2], 16) for i in (1, 3, 5)]]]))
    assert red[0, 0, 1] > 25.0  # the likeliest colour of a bright pixel is a* = +40

    pin = ColourHint(x=100.0, y=100.0, color="#c8a040")
    pinned = engine.analyze(data, ColorizeOptions(model="tiny", hints=(pin,)), guided_config)
    assert pinned.alternatives(100.0, 100.0, count=1)[0].probability > 0.99


def test_confidence_is_low_where_the_model_hesitates(guided_config) -> None:
    # Left half mid-gray (logits all zero: no idea), right half white (a* = +40 likely).
    image = Image.new("L", (256, 128), 119)
    image.paste(255, (128, 0, 256, 128))
    analysis = engine.analyze(encoded(image, "PNG"), ColorizeOptions(model="tiny"), guided_config)
    confidence = analysis.confidence(256, 128)
    assert confidence.shape == (128, 256) and confidence.dtype == np.uint8
    assert confidence[:, 150:].mean() > confidence[:, :100].mean() + 20
    assert analysis.default_vividness == vividness_of_temperature(0.5)


def test_a_point_outside_the_photo_has_no_alternatives(guided_config) -> None:
    analysis = engine.analyze(
        encoded(flat_photo(), "PNG"), ColorizeOptions(model="tiny"), guided_config
    )
    with pytest.raises(engine.InvalidOptions, match="outside"):
        analysis.alternatives(-1.0, 5.0)


def test_the_pinned_spot_gets_exactly_the_pin_colour(guided_config: EngineConfig) -> None:
    # A blue pin on a bright photo the graph would paint a* = +40: the spot is blue anyway.
    source = flat_photo(level=170)
    source.paste(215, (160, 0, 256, 192))  # a brighter second surface on the right
    pin = ColourHint(x=64.0, y=64.0, color="#6f8fd0")
    lab = run(guided_config, source, model="tiny", hints=(pin,))
    want = lab_of_rgb(np.array([[[0x6F, 0x8F, 0xD0]]], dtype=np.uint8))[0, 0]
    assert np.hypot(*(lab[64, 64, 1:] - want[1:])) < 3.0
    assert lab[5, 250, 1] > 20.0  # on the other surface the model's own colour stays
