"""Scratch, crack and dust repair with the shipped defect network, on photos the tests damage."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from colorizer_site.engine import scratches
from colorizer_site.engine.color import lightness_of_gray
from colorizer_site.engine.scratches import clean_scratches, defect_mask
from tests.engine.conftest import photo

# What the engine promised before the network: it touched 0.41 % of a clean photo.
CLEAN_TOUCH_LIMIT = 0.0041


def _scene(side: int = 384) -> np.ndarray:
    """A photo-like scene: gradient, shapes, soft texture and film grain."""
    base = lightness_of_gray(np.asarray(photo(side, side))).astype(np.float32)
    rng = np.random.default_rng(5)
    texture = cv2.GaussianBlur(rng.normal(0, 6, base.shape).astype(np.float32), (0, 0), 3)
    grain = rng.normal(0, 1.5, base.shape).astype(np.float32)
    softened = cv2.GaussianBlur(base, (0, 0), 1.2)
    return np.clip(softened * 0.8 + 12 + texture + grain, 0, 100)


def _branching_crack(shape: tuple[int, int], seed: int = 3) -> np.ndarray:
    """Coverage (0..255) of a long crack across the photo with side branches."""
    rng = np.random.default_rng(seed)
    height, width = shape
    canvas = np.zeros(shape, np.uint8)
    point, heading = np.array([0.05 * width, 0.2 * height]), 0.45
    trunk = [point]
    while 0 <= point[0] < width and 0 <= point[1] < height:
        point = point + 3.0 * np.array([np.cos(heading), np.sin(heading)])
        point = point + rng.normal(0, 0.8, 2)
        trunk.append(point)
    trunk = np.array(trunk)
    cv2.polylines(canvas, [np.round(trunk * 16).astype(np.int32)], False, 255, 2, cv2.LINE_AA, 4)
    for start in trunk[20::35]:
        angle = heading + rng.choice([-1, 1]) * rng.uniform(0.6, 1.2)
        steps = np.arange(1, 18)[:, None]
        branch = start + 3.0 * steps * np.array([np.cos(angle), np.sin(angle)])
        branch = branch + rng.normal(0, 0.8, branch.shape)
        cv2.polylines(
            canvas, [np.round(branch * 16).astype(np.int32)], False, 255, 1, cv2.LINE_AA, 4
        )
    return canvas


def _with(clean: np.ndarray, coverage: np.ndarray, value: float) -> np.ndarray:
    alpha = coverage.astype(np.float32) / 255.0
    return (clean * (1 - alpha) + value * alpha).astype(np.float32)


def test_a_long_branching_crack_is_removed_and_the_rest_left_alone() -> None:
    clean = _scene()
    coverage = _branching_crack(clean.shape)
    cracked = _with(clean, coverage, 97.0)
    crack = coverage > 64

    repaired, share = clean_scratches(cracked)

    # The crack is gone: its pixels come back close to the photo under it.
    before = np.abs(cracked - clean)[crack].mean()
    after = np.abs(repaired - clean)[crack].mean()
    assert after < 0.25 * before
    # And the rest of the photo is untouched, away from the crack's soft edge.
    near = cv2.dilate((coverage > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    changed = np.abs(repaired - cracked) > 0.5
    assert changed[~near].mean() < 0.01
    assert 0 < share < 0.1


def test_dark_scratches_and_dust_are_found() -> None:
    clean = _scene()
    rng = np.random.default_rng(11)
    coverage = np.zeros(clean.shape, np.uint8)
    cv2.line(coverage, (30, 370), (350, 10), 255, 1, cv2.LINE_AA)
    for _ in range(40):
        centre = tuple(int(v) for v in rng.integers(10, 374, 2))
        cv2.circle(coverage, centre, int(rng.integers(1, 3)), 255, -1)
    damaged = _with(clean, coverage, 4.0)
    mask = defect_mask(damaged) > 0
    visible = np.abs(damaged - clean) > 10
    assert mask[visible].mean() > 0.7


def test_a_clean_photo_is_left_as_it_is() -> None:
    clean = _scene()
    mask = defect_mask(clean)
    assert (mask > 0).mean() < CLEAN_TOUCH_LIMIT
    untouched = _scene(128)
    repaired, share = clean_scratches(np.zeros_like(untouched) + 50.0)
    assert share == 0.0 and np.array_equal(repaired, np.zeros_like(untouched) + 50.0)


def test_large_photos_are_worked_on_a_copy_and_repaired_at_full_size() -> None:
    clean = cv2.resize(_scene(), (2600, 1700), interpolation=cv2.INTER_CUBIC)
    # A scan's crack: a few pixels wide at full size, about one on the working copy.
    coverage = cv2.dilate(_branching_crack((1700, 2600)), np.ones((3, 3), np.uint8))
    cracked = _with(clean, coverage, 96.0)
    repaired, share = clean_scratches(cracked)
    assert repaired.shape == cracked.shape and repaired.dtype == np.float32
    crack = coverage > 128
    assert np.abs(repaired - clean)[crack].mean() < 0.35 * np.abs(cracked - clean)[crack].mean()
    assert share < 0.05


def test_a_missing_network_is_reported_as_not_installed(tmp_path) -> None:
    from colorizer_site.engine.errors import ModelNotInstalled

    with pytest.raises(ModelNotInstalled, match=r"defects\.json"):
        scratches._session(1, tmp_path)
