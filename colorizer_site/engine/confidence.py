"""Honest confidence: how likely the colour shown at a point is right, calibrated on photos.

The model's raw belief is read off its own distribution: the probability mass
within CONFIDENCE_RADIUS a*b* units of the colour the engine shows there
(`ColourDistribution.mass_near`). Networks trained with cross-entropy are not
calibrated, so a raw 0.6 does not mean 60 % right; each own model's entry in
models.json carries a mapping measured on held-out photos
(`python -m training.calibrate`, docs/colour-confidence.md): raw mass -> the
share of pixels whose shown colour was in fact within the radius of the truth.
A model without one reads its raw mass as is.
"""

from collections.abc import Sequence

import numpy as np

from colorizer_site.engine.distribution import ColourDistribution

CONFIDENCE_RADIUS = 20.0  # a*b* units: farther than this, a person sees another colour


def calibrated(raw: np.ndarray, mapping: Sequence[tuple[float, float]]) -> np.ndarray:
    """Raw confidence -> calibrated 0..1 by the piecewise-linear `mapping` (raw, share)."""
    if not mapping:
        return np.clip(raw, 0.0, 1.0).astype(np.float32)
    points = np.asarray(mapping, dtype=np.float64)
    return np.interp(raw, points[:, 0], points[:, 1]).astype(np.float32)


def confidence_map(
    distribution: ColourDistribution,
    ab_grid: np.ndarray,
    mapping: Sequence[tuple[float, float]] = (),
) -> np.ndarray:
    """[h, w] float32 0..1 at the grid: how likely the shown a*, b* `ab_grid` is right."""
    return calibrated(distribution.mass_near(ab_grid, CONFIDENCE_RADIUS), mapping)
