"""Synthetic colour photos: enough structure for a colorizer to learn in a few steps."""

import numpy as np
import pytest

from training.cache import encode_lab
from training.color import rgb_to_lab


def synthetic_photo(rng: np.random.Generator, side: int) -> np.ndarray:
    """A blue-sky, green-ground scene with a red disc: colour that follows brightness and place."""
    rows = np.linspace(0, 1, side)[:, None]
    rgb = np.empty((side, side, 3), dtype=np.float32)
    horizon = int(side * rng.uniform(0.35, 0.65))
    rgb[:horizon] = np.stack(
        [90 + 60 * rows[:horizon], 150 + 60 * rows[:horizon], np.full_like(rows[:horizon], 235.0)],
        axis=-1,
    )
    rgb[horizon:] = [40, 140, 50]
    yy, xx = np.mgrid[:side, :side]
    cy, cx = rng.integers(side // 4, 3 * side // 4, size=2)
    rgb[(yy - cy) ** 2 + (xx - cx) ** 2 < (side // 8) ** 2] = [210, 40, 40]
    rgb += rng.normal(0, 4, rgb.shape)
    return np.clip(rgb, 0, 255).astype(np.uint8)


@pytest.fixture
def synthetic_cache(tmp_path):
    """A training cache in the real layout, with 64 synthetic photos at 64 px."""
    rng = np.random.default_rng(7)
    packed = np.stack([encode_lab(rgb_to_lab(synthetic_photo(rng, 64))) for _ in range(64)])
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    np.save(cache_dir / "train_lab.npy", packed)
    return cache_dir
