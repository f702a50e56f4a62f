"""One surface, one colour: the distribution pooled over the photo's surfaces before decoding.

The network decides each grid cell's colour distribution on its own, and on a
plain backdrop or wall neighbouring cells drift to different guesses (a blue
patch beside a purple and a yellow one), which the annealed mean then shows
side by side. Two edge-aware steps make a surface share one distribution:

1. every plain surface (engine.surfaces: a backdrop, a wall, a cheek) pulls its
   cells toward the mean over the surface, by SURFACE_STRENGTH times the share
   of the surface that is plain, so texture (foliage, a crowd) keeps its cells'
   own guesses and the sky keeps apart from the grass;
2. a small guided filter (He, Sun and Tang 2013) of the planes with the photo's
   L* at the grid's size as the guide evens out what is left within
   GUIDED_RADIUS cells and stops at lightness edges.

Both work on log-probabilities: their average is a geometric mean of the
distributions, which keeps the colours the cells agree on instead of blending
every guess into a muted mixture (on a fifth of dev_eval with tiny, pooling
probabilities cost 0.4 points of rebalanced AuC, log-probabilities 0.03). A
geometric mean is sharper than its parts, so pooled planes are divided by
POOL_SOFTENING, which keeps each model's measured temperature (and the vividness
scale) meaning what it did. A pin's cells keep their own distribution: they say
what the person said, not what their neighbours guessed.

It runs at the grid's size (48x48 cells for the own models at 192), so its cost
does not grow with the photo (bench/colour_decode.py); the figures are in
docs/colour.md.
"""

import cv2
import numpy as np

from colorizer_site.engine.distribution import ColourDistribution
from colorizer_site.engine.surfaces import Surfaces

SURFACE_STRENGTH = 0.8  # how far a fully plain surface's cells move to its mean
GUIDED_RADIUS = 4  # grid cells
GUIDED_EPSILON = 16.0  # L* units squared: windows flatter than this are averaged freely
POOL_SOFTENING = 1.3  # pooled log-probabilities / this: the temperature keeps its meaning
PROBABILITY_FLOOR = 1e-8  # log(0) guard: no bin becomes impossible


def _box(values: np.ndarray, radius: int) -> np.ndarray:
    side = 2 * radius + 1
    return cv2.boxFilter(values, -1, (side, side), borderType=cv2.BORDER_REFLECT)


def _guided(planes: np.ndarray, guide: np.ndarray, radius: int, epsilon: float) -> np.ndarray:
    """Guided filter of [h, w, C] planes (OpenCV filters up to 512 channels at once)."""
    mean_guide = _box(guide, radius)
    variance = _box(guide * guide, radius) - mean_guide * mean_guide
    mean_plane = _box(planes, radius)
    covariance = _box(planes * guide[..., None], radius) - mean_plane * mean_guide[..., None]
    slope = covariance / (variance + epsilon)[..., None]
    intercept = mean_plane - slope * mean_guide[..., None]
    return _box(slope, radius) * guide[..., None] + _box(intercept, radius)


def _surface_means(planes: np.ndarray, surfaces: Surfaces) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's surface mean of the [h, w, Q] planes, and how far to pull it there [h, w]."""
    rows, columns = planes.shape[:2]
    labels = cv2.resize(surfaces.labels, (columns, rows), interpolation=cv2.INTER_NEAREST)
    flat = labels.ravel()
    onehot = np.zeros((surfaces.count, flat.size), np.float32)
    onehot[flat, np.arange(flat.size)] = 1.0
    sums = onehot @ planes.reshape(flat.size, -1)
    means = sums / np.maximum(onehot.sum(axis=1, keepdims=True), 1.0)
    pull = (SURFACE_STRENGTH * surfaces.plain[labels]).astype(np.float32)
    return means[labels], pull


def coherent(
    distribution: ColourDistribution,
    lightness: np.ndarray,
    surfaces: Surfaces | None,
    keep: np.ndarray | None = None,
) -> ColourDistribution:
    """The distribution pooled over `surfaces` and edge-aware over `lightness` (L* at any
    size; it is shrunk to the grid's). `keep` (any size, 0..1, e.g. the pins' mask) marks
    cells that keep their own distribution."""
    rows, columns = distribution.grid_size
    if min(rows, columns) < 3:
        return distribution
    guide = cv2.resize(lightness.astype(np.float32), (columns, rows), interpolation=cv2.INTER_AREA)
    planes = np.log(np.maximum(distribution.probabilities(), PROBABILITY_FLOOR))
    planes = np.ascontiguousarray(planes.transpose(1, 2, 0))
    result = planes
    if surfaces is not None:
        means, pull = _surface_means(planes, surfaces)
        result = planes + (means - planes) * pull[..., None]
    result = _guided(result, guide, GUIDED_RADIUS, GUIDED_EPSILON) / POOL_SOFTENING
    if keep is not None and keep.any():
        own = cv2.resize(keep.astype(np.float32), (columns, rows), interpolation=cv2.INTER_AREA)
        own = cv2.dilate(np.minimum(own * 4.0, 1.0), np.ones((3, 3), np.uint8))[..., None]
        result = result * (1.0 - own) + planes * own
    return ColourDistribution(np.ascontiguousarray(result.transpose(2, 0, 1)), distribution.centres)
