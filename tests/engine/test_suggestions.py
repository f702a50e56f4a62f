"""The reach of a pin and suggested pins (ColourAnalysis.reach / .suggestions), on real images."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from colorizer_site import engine
from colorizer_site.engine.types import ColorizeOptions, ColourHint, EngineConfig
from tests.engine.conftest import encoded


def grainy(image: Image.Image, seed: int = 0) -> Image.Image:
    """The image with film-like grain, so plain surfaces are not perfectly flat."""
    values = np.asarray(image, dtype=np.float32)
    values += np.random.default_rng(seed).normal(0.0, 3.0, values.shape)
    return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8))


def two_tone(width: int = 320, height: int = 240) -> Image.Image:
    """Left half mid-grey (the test model has no idea there), right half near white."""
    image = Image.new("L", (width, height), 119)
    image.paste(235, (width // 2, 0, width, height))
    return grainy(image)


def inside(polygon: list[tuple[int, int]], x: float, y: float) -> bool:
    contour = np.asarray(polygon, dtype=np.int32).reshape(-1, 1, 2)
    return cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0


def polygon_area(polygon: list[tuple[int, int]]) -> float:
    return float(cv2.contourArea(np.asarray(polygon, dtype=np.int32).reshape(-1, 1, 2)))


def analysis_of(image: Image.Image, config: EngineConfig, hints=()) -> engine.ColourAnalysis:
    options = ColorizeOptions(model="tiny", hints=tuple(hints))
    return engine.analyze(encoded(image, "PNG"), options, config)


def test_the_reach_of_a_pin_stays_on_its_half_of_a_two_tone_photo(guided_config) -> None:
    analysis = analysis_of(two_tone(), guided_config)

    left = analysis.reach(60.0, 120.0)
    right = analysis.reach(250.0, 50.0)

    assert 3 <= len(left) <= 64 and 3 <= len(right) <= 64
    assert max(x for x, _ in left) <= 160 + 3 and min(x for x, _ in right) >= 160 - 3
    assert inside(left, 60, 120) and not inside(left, 250, 50)
    assert polygon_area(left) > 0.8 * 160 * 240 and polygon_area(right) > 0.8 * 160 * 240


def test_a_pin_on_a_backdrop_does_not_reach_the_figure_in_front(guided_config) -> None:
    image = Image.new("L", (400, 300), 150)
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 60, 250, 160), fill=215)  # a pale face
    draw.rectangle((110, 160, 290, 300), fill=60)  # dark clothes down to the bottom edge
    analysis = analysis_of(grainy(image), guided_config)

    backdrop = analysis.reach(40.0, 40.0)
    face = analysis.reach(200.0, 110.0)

    assert inside(backdrop, 40, 40) and inside(backdrop, 360, 250)
    assert not inside(backdrop, 200, 110) and not inside(backdrop, 200, 250)
    assert inside(face, 200, 110) and not inside(face, 40, 40) and not inside(face, 200, 250)


def test_reach_refuses_a_point_off_the_photo(guided_config) -> None:
    analysis = analysis_of(two_tone(), guided_config)
    with pytest.raises(engine.InvalidOptions, match="outside"):
        analysis.reach(400.0, 10.0)


def test_the_first_suggestion_is_the_large_surface_the_model_is_unsure_of(guided_config) -> None:
    analysis = analysis_of(two_tone(), guided_config)

    suggestions = analysis.suggestions()

    assert 1 <= len(suggestions) <= 3
    first = suggestions[0]
    assert isinstance(first, engine.PinSuggestion)
    assert first.x < 160 and inside(first.outline, first.x, first.y)
    assert first.area == pytest.approx(0.5, abs=0.08)
    assert 0.0 <= first.confidence <= 1.0
    if len(suggestions) > 1:
        assert first.confidence < suggestions[1].confidence
    assert 1 <= len(first.alternatives) <= 4
    probabilities = [choice.probability for choice in first.alternatives]
    assert probabilities == sorted(probabilities, reverse=True)
    assert all(
        choice.color.startswith("#") and len(choice.color) == 7 for choice in first.alternatives
    )


def test_a_surface_that_already_has_a_pin_is_not_suggested_again(guided_config) -> None:
    pin = ColourHint(x=60.0, y=120.0, color="#3050a0")
    analysis = analysis_of(two_tone(), guided_config, hints=[pin])
    assert all(suggestion.x >= 160 for suggestion in analysis.suggestions())


def test_suggestions_respect_the_count_asked(guided_config) -> None:
    analysis = analysis_of(two_tone(), guided_config)
    assert analysis.suggestions(count=1)[:1] == analysis.suggestions()[:1]
    assert len(analysis.suggestions(count=1)) == 1 and analysis.suggestions(count=0) == []
