"""Scratch repair: long thin defects are found and filled; ordinary detail is left alone."""

from __future__ import annotations

import cv2
import numpy as np

from colorizer_site.engine.color import lightness_of_gray
from colorizer_site.engine.scratches import clean_scratches, scratch_mask
from tests.engine.conftest import photo


def _scene(side: int = 256) -> np.ndarray:
    return lightness_of_gray(np.asarray(photo(side, side)))


def _scratched(clean: np.ndarray) -> np.ndarray:
    damaged = clean.copy()
    side = clean.shape[0]
    cv2.line(damaged, (side // 10, side // 20), (side - side // 8, side - side // 6), 98.0, 1)
    cv2.line(damaged, (side // 3, side - 5), (side // 2, 5), 3.0, 2)
    return damaged


def test_bright_and_dark_scratches_are_repaired() -> None:
    clean = _scene()
    damaged = _scratched(clean)
    repaired, share = clean_scratches(damaged)

    before = np.abs(damaged - clean).mean()
    after = np.abs(repaired - clean).mean()
    assert after < before * 0.5
    assert 0 < share < 0.05
    assert repaired.dtype == np.float32 and repaired.shape == clean.shape


def test_mask_covers_the_scratch_lines() -> None:
    clean = _scene()
    damaged = _scratched(clean)
    mask = scratch_mask(damaged)
    defect = np.abs(damaged - clean) > 20
    assert (mask[defect] > 0).mean() > 0.8


def test_a_clean_photo_passes_unchanged() -> None:
    clean = _scene()
    repaired, share = clean_scratches(clean)
    assert share == 0.0
    assert np.array_equal(repaired, clean)


def test_short_marks_and_dots_are_not_scratches() -> None:
    clean = _scene()
    marked = clean.copy()
    for x in range(20, 240, 40):
        cv2.circle(marked, (x, 128), 2, 95.0, -1)  # dots: eyes, buttons, grain
        cv2.line(marked, (x, 40), (x + 10, 50), 95.0, 1)  # short strokes: letters
    assert not scratch_mask(marked).any()


def test_large_images_are_repaired_too() -> None:
    clean = _scene(2048)
    damaged = clean.copy()
    cv2.line(damaged, (100, 200), (1900, 1700), 99.0, 4)
    repaired, share = clean_scratches(damaged)
    assert share > 0
    assert np.abs(repaired - clean).mean() < np.abs(damaged - clean).mean() * 0.5
