"""The plain-region measure: how many colours a photo puts on one plain surface.

Blotches on plain backdrops and walls (blue, purple and yellow patches side by
side) are the commonest reason a colorization is rejected, and PSNR or AuC
hardly see them. This measure looks only where the true photo's lightness is
smooth and untextured, independent of the engine's own surfaces:

- the photo is read at MEASURE_SIDE (so photos of any size are comparable);
- a pixel is plain where the local standard deviation of L* (a 9x9 window) is
  under PLAIN_STD L* units; each connected stretch of plain pixels covering at
  least MIN_REGION of the photo is one region (a backdrop, a wall, a sky);
- the region's spread is the RMS distance of its pixels' a*b* from the
  region's mean a*b*; a photo's figure is the area-weighted mean over its
  regions, and a set's figure the mean over photos that have a region.

True colour photos score a few units (shading, real gradients); an output
with multi-hue blotches scores far above them; plain gray scores 0, so the
figure is read next to the truth's, never alone.
"""

import cv2
import numpy as np

MEASURE_SIDE = 256
WINDOW = 9
PLAIN_STD = 1.5  # L* units
MIN_REGION = 0.02  # share of the photo


def _resized(values: np.ndarray, side: int) -> np.ndarray:
    height, width = values.shape[:2]
    scale = side / max(height, width)
    if scale >= 1.0:
        return values.astype(np.float32)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(values.astype(np.float32), size, interpolation=cv2.INTER_AREA)


def plain_regions(lightness: np.ndarray) -> np.ndarray:
    """int32 labels at MEASURE_SIDE: 1..n for plain regions, 0 elsewhere."""
    small = _resized(lightness, MEASURE_SIDE)
    mean = cv2.blur(small, (WINDOW, WINDOW))
    variance = cv2.blur(small * small, (WINDOW, WINDOW)) - mean * mean
    plain = (np.sqrt(np.maximum(variance, 0.0)) < PLAIN_STD).astype(np.uint8)
    plain = cv2.morphologyEx(plain, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(plain, connectivity=4)
    big = stats[:, cv2.CC_STAT_AREA] >= MIN_REGION * small.size
    big[0] = False
    relabel = np.zeros(count, np.int32)
    relabel[big] = np.arange(1, int(big.sum()) + 1, dtype=np.int32)
    return relabel[labels]


def plain_spread(lightness: np.ndarray, ab: np.ndarray, regions: np.ndarray | None = None) -> float:
    """Area-weighted RMS a*b* spread inside the plain regions of `lightness`; NaN if none."""
    labels = plain_regions(lightness) if regions is None else regions
    count = int(labels.max())
    if count == 0:
        return float("nan")
    small = _resized(ab, MEASURE_SIDE).reshape(-1, 2).astype(np.float64)
    flat = labels.ravel()
    pixels = np.bincount(flat, minlength=count + 1)[1:].astype(np.float64)
    total = 0.0
    for channel in range(2):
        sums = np.bincount(flat, small[:, channel], count + 1)[1:]
        squares = np.bincount(flat, small[:, channel] ** 2, count + 1)[1:]
        total_channel = squares - sums**2 / pixels  # sum of squared deviations per region
        total += total_channel.sum()
    return float(np.sqrt(max(total, 0.0) / pixels.sum()))
