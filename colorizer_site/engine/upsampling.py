"""From the model's coarse colour grid to the photo's full size, following the photo's edges.

Own models give colour at a quarter of their working size, so a 1024 px photo
gets one colour value per 32 px cell. Bilinear enlargement then lets colour
bleed across edges (a red coat tinting the wall behind it). A guided filter (He,
Sun and Tang 2013) with the photo's own lightness as the guide keeps colour
changes on the lightness edges instead: within each window the colour is fitted
as a linear function of L*. It is solved at a capped size, and its linear
coefficients (smooth by construction) are enlarged to full size, as in the fast
guided filter (He and Sun 2015), so a 4096 px photo costs about what a 1024 px
one does plus two bilinear enlargements.
"""

import cv2
import numpy as np

SOLVE_SIDE = 768  # long side at which the filter's coefficients are solved
EPSILON = 30.0  # L* units squared: flat regions below this variance keep the smooth colour


def _box(values: np.ndarray, radius: int) -> np.ndarray:
    side = 2 * radius + 1
    return cv2.boxFilter(values, -1, (side, side), borderType=cv2.BORDER_REFLECT)


def guided_upsample(ab_grid: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    """a*, b* [h, w, 2] on a coarse grid -> [H, W, 2] at the size of `lightness` [H, W]."""
    height, width = lightness.shape
    scale = min(1.0, SOLVE_SIDE / max(height, width))
    solve_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    guide = cv2.resize(lightness, solve_size, interpolation=cv2.INTER_AREA)
    if ab_grid.shape[:2] == (height, width) or min(guide.shape) < 4:
        return cv2.resize(ab_grid, (width, height), interpolation=cv2.INTER_LINEAR)
    colour = cv2.resize(ab_grid, solve_size, interpolation=cv2.INTER_LINEAR)
    # One grid cell: the distance over which the coarse colour could not follow an edge.
    radius = max(1, round(max(solve_size) / max(ab_grid.shape[:2]) * 0.75))
    mean_guide = _box(guide, radius)
    variance = _box(guide * guide, radius) - mean_guide * mean_guide
    gain = np.empty_like(colour)
    offset = np.empty_like(colour)
    for channel in range(2):
        mean_colour = _box(colour[..., channel], radius)
        covariance = _box(guide * colour[..., channel], radius) - mean_guide * mean_colour
        slope = covariance / (variance + EPSILON)
        gain[..., channel] = _box(slope, radius)
        offset[..., channel] = _box(mean_colour - slope * mean_guide, radius)
    gain = cv2.resize(gain, (width, height), interpolation=cv2.INTER_LINEAR)
    out = cv2.resize(offset, (width, height), interpolation=cv2.INTER_LINEAR)
    for channel in range(2):  # in place: a 16-megapixel photo needs no extra full-size copy
        np.multiply(gain[..., channel], lightness, out=gain[..., channel])
    out += gain
    return out
