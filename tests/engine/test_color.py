"""sRGB <-> CIELAB: exact lightness, faithful round trips, gamut handling at constant L."""

from __future__ import annotations

import numpy as np

from colorizer_site.engine import color

# Published CIELAB (D65) of sRGB primaries and greys, to two decimals.
KNOWN = {
    (255, 255, 255): (100.0, 0.0, 0.0),
    (0, 0, 0): (0.0, 0.0, 0.0),
    (128, 128, 128): (53.59, 0.0, 0.0),
    (255, 0, 0): (53.24, 80.09, 67.20),
    (0, 255, 0): (87.73, -86.18, 83.18),
    (0, 0, 255): (32.30, 79.19, -107.86),
}


def test_lab_of_known_colours_matches_published_values() -> None:
    rgb = np.array([list(KNOWN)], np.uint8)
    lab = color.lab_of_rgb(rgb)[0]
    for got, expected in zip(lab, KNOWN.values(), strict=True):
        assert np.allclose(got, expected, atol=0.05)


def test_lightness_of_rgb_equals_the_exact_formula() -> None:
    rgb = np.random.default_rng(1).integers(0, 256, (300, 301, 3), dtype=np.uint8)
    assert np.abs(color.lightness_of_rgb(rgb) - color.lab_of_rgb(rgb)[..., 0]).max() < 1e-3


def test_lightness_of_gray_covers_8_and_16_bit() -> None:
    gray8 = np.arange(256, dtype=np.uint8).reshape(16, 16)
    as_rgb = np.repeat(gray8[..., None], 3, axis=-1)
    assert np.abs(color.lightness_of_gray(gray8) - color.lab_of_rgb(as_rgb)[..., 0]).max() < 1e-3

    gray16 = np.array([[0, 32896, 65535]], np.uint16)
    assert np.allclose(color.lightness_of_gray(gray16), [[0.0, 53.59, 100.0]], atol=0.01)


def test_round_trip_of_in_gamut_colours_is_exact() -> None:
    rgb = np.random.default_rng(2).integers(1, 255, (200, 200, 3), dtype=np.uint8)
    lab = color.lab_of_rgb(rgb)
    back = color.srgb8_of_lab(np.ascontiguousarray(lab[..., 0]), np.ascontiguousarray(lab[..., 1:]))
    assert np.abs(back.astype(int) - rgb).max() <= 1


def test_out_of_gamut_colours_keep_their_lightness() -> None:
    lightness = np.tile(np.linspace(2, 98, 256, dtype=np.float32), (64, 1))
    for a, b in ((90.0, 90.0), (-80.0, 40.0), (20.0, -110.0)):
        ab = np.empty((64, 256, 2), np.float32)
        ab[..., 0], ab[..., 1] = a, b
        rgb = color.srgb8_of_lab(lightness, ab)
        # Clipping channels would move L by tens of units here.
        assert np.abs(color.lightness_of_rgb(rgb) - lightness).max() < 0.6
        hue = np.degrees(np.arctan2(*color.lab_of_rgb(rgb[:, 128:129])[..., 2:0:-1].T))
        assert np.abs(hue - np.degrees(np.arctan2(b, a))).max() < 4


def test_sparse_out_of_gamut_pixels_are_fitted_too() -> None:
    lightness = np.full((300, 300), 50.0, np.float32)
    ab = np.zeros((300, 300, 2), np.float32)
    ab[10, 10] = (120.0, 120.0)  # one impossible pixel among neutral greys
    rgb = color.srgb8_of_lab(lightness, ab)
    assert abs(color.lightness_of_rgb(rgb[10:11, 10:11])[0, 0] - 50.0) < 0.6
    assert np.array_equal(rgb[100, 100], [119, 119, 119])


def test_gray_rgb_of_lightness_is_neutral_with_the_same_l() -> None:
    lightness = np.linspace(0, 100, 101, dtype=np.float32).reshape(1, 101)
    rgb = color.gray_rgb_of_lightness(lightness)
    assert rgb.shape == (1, 101, 3)
    assert np.array_equal(rgb[..., 0], rgb[..., 2])
    back = color.lab_of_rgb(np.rint(rgb * 255).astype(np.uint8))[..., 0]
    assert np.abs(back - lightness).max() < 0.5


def test_mean_chroma_tells_colour_from_grey() -> None:
    rng = np.random.default_rng(3)
    gray = np.repeat(rng.integers(0, 256, (100, 100, 1), dtype=np.uint8), 3, axis=-1)
    colourful = rng.integers(0, 256, (100, 100, 3), dtype=np.uint8)
    assert color.mean_chroma(gray) < 0.5
    assert color.mean_chroma(colourful) > 20
