"""Honest confidence: how likely the colour shown at a point is right, calibrated on photos.

The model's raw belief is read off its own distribution: the probability mass
within CONFIDENCE_RADIUS a*b* units of the colour the engine shows there
(`ColourDistribution.mass_near`). Networks trained with cross-entropy are not
calibrated, so a raw 0.6 does not mean 60 % right; each own model's entry in
models.json carries a mapping measured on held-out photos
(`python -m training.calibrate`, docs/colour.md): raw mass -> the
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


# A large plain surface whose colour is probably wrong is better calm than a bold guess
# (a dust cloud turned green, a grey test card turned pink): its chroma is scaled down by
# up to CALM_STRENGTH x the surface's calibrated doubt, in full for surfaces of at least
# CALM_FULL_AREA of the photo and fully plain ones, less for smaller or textured ones.
CALM_STRENGTH = 0.5
CALM_FULL_AREA = 0.1


def calmed(
    ab_grid: np.ndarray,
    distribution: ColourDistribution,
    surfaces,
    mapping: Sequence[tuple[float, float]] = (),
) -> np.ndarray:
    """`ab_grid` [h, w, 2] with the chroma of doubtful large plain surfaces reduced."""
    import cv2

    # A surface's mean confidence needs no more than every other cell each way: a quarter
    # of the work, which keeps this step within the decode's budget (bench/colour_decode.py).
    sample = ab_grid[::2, ::2]
    thinned = ColourDistribution(distribution.logits[:, ::2, ::2], distribution.centres)
    rows, columns = sample.shape[:2]
    confidence = confidence_map(thinned, sample, mapping)
    labels = cv2.resize(surfaces.labels, (columns, rows), interpolation=cv2.INTER_NEAREST)
    flat = labels.ravel()
    counts = np.bincount(flat, minlength=surfaces.count)
    sums = np.bincount(flat, confidence.ravel(), surfaces.count)
    # A surface too small to have a sampled cell has no measured doubt and stays as it is.
    doubt = np.where(counts > 0, 1.0 - sums / np.maximum(counts, 1), 0.0)
    weight = (
        CALM_STRENGTH * doubt * surfaces.plain * np.minimum(1.0, surfaces.areas / CALM_FULL_AREA)
    )
    full = cv2.resize(
        surfaces.labels, (ab_grid.shape[1], ab_grid.shape[0]), interpolation=cv2.INTER_NEAREST
    )
    scale = (1.0 - weight[full]).astype(np.float32)
    return ab_grid * scale[..., None]
