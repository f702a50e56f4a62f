"""One surface, one colour: the distribution pooled over the photo's surfaces before decoding.

The network decides each grid cell's colour distribution on its own, and on a
plain backdrop or wall neighbouring cells drift to different guesses (a blue
patch beside a purple and a yellow one), which the annealed mean then shows
side by side. Here every plain surface (engine.surfaces: a backdrop, a wall, a
cheek, found edge-aware from L*) pulls its cells toward the surface's mean
distribution, by SURFACE_STRENGTH times the share of the surface that is plain,
so texture (foliage, a crowd) keeps its cells' own guesses and the sky keeps
apart from the grass.

The mean is taken of log-probabilities: a geometric mean of the cells'
distributions keeps the colours they agree on instead of blending every guess
into a muted mixture (on a fifth of dev_eval with tiny, pooling probabilities
cost 0.4 points of rebalanced AuC, log-probabilities under 0.1). A geometric
mean is sharper than its parts, so the pooled part is divided by
POOL_SOFTENING, which keeps each model's measured temperature (and the
vividness scale) meaning what it did. A pin's cells keep their own
distribution: they say what the person said, not what their neighbours guessed.

It runs at the grid's size (48x48 cells for the own models at 192), so its cost
does not grow with the photo (bench/colour_decode.py); the figures and the
choice of strength are in docs/colour.md.
"""

import cv2
import numpy as np

from colorizer_site.engine.distribution import ColourDistribution
from colorizer_site.engine.surfaces import Surfaces

# How far a fully plain surface's cells move to its mean: at 0.6 the plain-region spread of
# the large pair on dev_eval matches the true photos' (0.8 made surfaces flatter than life).
SURFACE_STRENGTH = 0.6
POOL_SOFTENING = 1.3  # pooled log-probabilities / this: the temperature keeps its meaning


def coherent(
    distribution: ColourDistribution,
    surfaces: Surfaces | None,
    keep: np.ndarray | None = None,
) -> ColourDistribution:
    """The distribution with each plain surface's cells pulled toward the surface's mean
    log-probabilities. `keep` (any size, 0..1, e.g. the pins' mask) marks cells that keep
    their own distribution."""
    if surfaces is None:
        return distribution
    bins, rows, columns = distribution.logits.shape
    # Raw logits differ from log-probabilities by one constant per cell, and a softmax
    # ignores such a constant, so the blend below needs no normalizing first.
    planes = distribution.logits.astype(np.float32, copy=False).reshape(bins, -1)
    labels = cv2.resize(surfaces.labels, (columns, rows), interpolation=cv2.INTER_NEAREST).ravel()
    order = np.argsort(labels, kind="stable")
    present, starts, counts = np.unique(labels[order], return_index=True, return_counts=True)
    means = np.zeros((bins, surfaces.count), np.float32)
    means[:, present] = np.add.reduceat(planes[:, order], starts, axis=1) / counts
    pull = (SURFACE_STRENGTH * surfaces.plain[labels]).astype(np.float32)
    if keep is not None and keep.any():
        own = cv2.resize(keep.astype(np.float32), (columns, rows), interpolation=cv2.INTER_AREA)
        own = cv2.dilate(np.minimum(own * 4.0, 1.0), np.ones((3, 3), np.uint8))
        pull *= 1.0 - own.ravel()
    result = planes * (1.0 - pull) + means[:, labels] * (pull / POOL_SOFTENING)
    return ColourDistribution(result.reshape(bins, rows, columns), distribution.centres)
