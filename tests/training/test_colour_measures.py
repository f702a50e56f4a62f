"""The evaluation's colour measures on arrays whose answer is known: plain spread,
the calibration fit and the wall composites of the spill measure."""

import numpy as np

from training.calibrate import monotone_mapping
from training.evaluate_colour import composite
from training.plain_regions import plain_regions, plain_spread


def plain_photo() -> np.ndarray:
    """L* of a smooth wall (left) beside busy texture (right)."""
    lightness = np.full((128, 128), 55.0, np.float32)
    lightness[:, 64:] = np.random.default_rng(0).uniform(20.0, 90.0, (128, 64))
    return lightness


def test_one_colour_on_a_plain_wall_spreads_zero_and_blotches_do_not() -> None:
    lightness = plain_photo()
    even = np.zeros((128, 128, 2), np.float32)
    even[...] = (10.0, 20.0)
    blotchy = even.copy()
    blotchy[:64:16, :64] = (-30.0, 40.0)  # stripes of another hue on the wall
    blotchy[8:64:16, :64] = (35.0, -20.0)

    assert plain_regions(lightness).max() >= 1
    assert plain_spread(lightness, even) < 0.01
    assert plain_spread(lightness, blotchy) > 10.0


def test_a_photo_without_plain_regions_has_no_figure() -> None:
    busy = np.random.default_rng(1).uniform(0.0, 100.0, (96, 96)).astype(np.float32)
    assert np.isnan(plain_spread(busy, np.zeros((96, 96, 2), np.float32)))


def test_the_calibration_fit_is_monotone_and_follows_the_truth() -> None:
    rng = np.random.default_rng(2)
    raw = rng.uniform(0.0, 1.0, 20000)
    right = (rng.uniform(0.0, 1.0, raw.size) < 0.2 + 0.6 * raw).astype(np.float64)
    points = np.array(monotone_mapping(raw, right))
    assert points[0, 0] == 0.0 and points[-1, 0] == 1.0
    assert np.all(np.diff(points[:, 1]) >= 0.0)
    middle = np.interp(0.5, points[:, 0], points[:, 1])
    assert abs(middle - 0.5) < 0.06


def test_a_wall_composite_keeps_the_photo_inside_and_the_pin_on_the_wall() -> None:
    front = np.random.default_rng(3).integers(0, 256, (128, 128, 3), dtype=np.uint8)
    rgb, wall, (x, y) = composite(front, seed=4)
    assert rgb.shape == front.shape and wall.shape == front.shape[:2]
    assert np.array_equal(rgb[~wall], front[~wall])
    assert wall[y, x] and 0 < x < 127 and 0 < y < 127
    assert 0.15 < (~wall).mean() < 0.45  # an ellipse of a fifth to two fifths of the photo
    assert len(np.unique(rgb[wall].reshape(-1, 3), axis=0)) > 1  # shaded, not one flat colour
