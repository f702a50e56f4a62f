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

A 60-megapixel scan would need a gigabyte for those full-size coefficients and
colour planes alone, so they are never made whole: a `ColourField` keeps the
small-size solution and hands out the full-size colour a strip of rows at a
time, each strip exactly the rows the whole enlargement would have had.
"""

from dataclasses import dataclass

import cv2
import numpy as np

SOLVE_SIDE = 768  # long side at which the filter's coefficients are solved
EPSILON = 30.0  # L* units squared: flat regions below this variance keep the smooth colour


def _box(values: np.ndarray, radius: int) -> np.ndarray:
    side = 2 * radius + 1
    return cv2.boxFilter(values, -1, (side, side), borderType=cv2.BORDER_REFLECT)


def resize_rows(grid: np.ndarray, width: int, height: int, top: int, bottom: int) -> np.ndarray:
    """Rows top..bottom of `cv2.resize(grid, (width, height), INTER_LINEAR)`, made alone.

    The vertical blend follows OpenCV's own mapping (pixel centres, edges clamped) on the
    small grid; the horizontal one is OpenCV's resize of just those rows.
    """
    grid_height = grid.shape[0]
    if grid_height == height:
        rows = grid[top:bottom]
    else:
        position = (np.arange(top, bottom, dtype=np.float64) + 0.5) * (grid_height / height) - 0.5
        position = np.clip(position, 0.0, grid_height - 1.0)
        upper = np.minimum(position.astype(np.int64), grid_height - 1)
        lower = np.minimum(upper + 1, grid_height - 1)
        weight = (position - upper).astype(np.float32).reshape(-1, *([1] * (grid.ndim - 1)))
        rows = grid[upper] * (1.0 - weight) + grid[lower] * weight
    if rows.shape[1] == width:
        return np.ascontiguousarray(rows, dtype=np.float32)
    return cv2.resize(
        rows.astype(np.float32), (width, bottom - top), interpolation=cv2.INTER_LINEAR
    )


@dataclass
class ColourField:
    """a*, b* at full size, described by small grids: `rows()` makes any strip of it.

    Guided: ab = gain * L + offset (gain, offset enlarged); plain: ab = offset enlarged.
    """

    offset: np.ndarray  # [h, w, 2] small
    gain: np.ndarray | None
    lightness: np.ndarray  # [H, W] full size, the guide

    @property
    def shape(self) -> tuple[int, int]:
        return self.lightness.shape

    def rows(self, top: int, bottom: int) -> np.ndarray:
        height, width = self.lightness.shape
        out = resize_rows(self.offset, width, height, top, bottom)
        if self.gain is not None:
            gain = resize_rows(self.gain, width, height, top, bottom)
            gain *= self.lightness[top:bottom, :, None]
            out += gain
        return out

    def whole(self) -> np.ndarray:
        return self.rows(0, self.lightness.shape[0])


def plain_field(ab_grid: np.ndarray, lightness: np.ndarray) -> ColourField:
    """Bilinear enlargement of a*, b*, for models that give colour at their working size."""
    return ColourField(
        offset=ab_grid.astype(np.float32, copy=False), gain=None, lightness=lightness
    )


def guided_field(ab_grid: np.ndarray, lightness: np.ndarray) -> ColourField:
    """a*, b* [h, w, 2] on a coarse grid, to follow the edges of `lightness` [H, W]."""
    height, width = lightness.shape
    scale = min(1.0, SOLVE_SIDE / max(height, width))
    solve_size = (max(1, round(width * scale)), max(1, round(height * scale)))
    guide = cv2.resize(lightness, solve_size, interpolation=cv2.INTER_AREA)
    if ab_grid.shape[:2] == (height, width) or min(guide.shape) < 4:
        return plain_field(ab_grid, lightness)
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
    return ColourField(offset=offset, gain=gain, lightness=lightness)


def guided_upsample(ab_grid: np.ndarray, lightness: np.ndarray) -> np.ndarray:
    """a*, b* [h, w, 2] on a coarse grid -> [H, W, 2] at the size of `lightness` [H, W]."""
    return guided_field(ab_grid, lightness).whole()
