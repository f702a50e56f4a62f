"""Surfaces: the parts of a photo that are one thing (a wall, a dress, the sky), found from L*.

A pin should colour the surface it falls on up to that surface's edges, and a page
should show how far that is; suggested pins are whole surfaces. Both need the same
map, made once per photo at a small size (SURFACE_SIDE):

1. L* is smoothed edge-aware (a bilateral filter), so grain and JPEG noise are not
   edges but a collar against a wall is;
2. pixels whose lightness barely changes around them are "plain"; each connected
   stretch of plain pixels big enough to matter is a surface's core (a backdrop, a
   cheek, a patch of sky); a slow shading gradient stays one core;
3. every other pixel (texture, edges) joins the core it floods to first by the
   watershed on L*, so each pixel belongs to exactly one surface and borders sit
   on the photo's edges.

Each surface records how much of it is plain core: a surface that is mostly
texture (foliage, a crowd) is one only loosely, and a pin on it should stay local.
"""

from dataclasses import dataclass

import cv2
import numpy as np

SURFACE_SIDE = 192  # long side of the surface map; the model's own working size
SMOOTH_SIGMA_L = 6.0  # L* units: the bilateral filter's tone reach (grain, not edges)
PLAIN_STEP = 2.2  # L* per map pixel: above this local change a pixel is edge or texture
CORE_ERODE = 5  # map pixels: the plain seeds' erosion (an odd width)
MIN_CORE_SHARE = 0.0015  # of the map: smaller plain stretches are texture, not surfaces
MAX_OUTLINE_POINTS = 64


@dataclass(frozen=True)
class Surfaces:
    """A label per map pixel (0..count-1) and what each label covers."""

    labels: np.ndarray  # int32 [h, w] at the map size
    tone: np.ndarray  # float32 [h, w]: the smoothed L* the map was made from
    photo_size: tuple[int, int]  # (height, width) of the photo the map describes
    areas: np.ndarray  # float [count]: share of the photo
    plain: np.ndarray  # float [count]: share of the surface that is plain core

    @property
    def count(self) -> int:
        return len(self.areas)

    def map_point(self, x: float, y: float) -> tuple[int, int]:
        """(row, column) of the map pixel under photo point (x, y)."""
        rows, columns = self.labels.shape
        height, width = self.photo_size
        row = min(rows - 1, max(0, int(y * rows / height)))
        column = min(columns - 1, max(0, int(x * columns / width)))
        return row, column

    def label_at(self, x: float, y: float) -> int:
        return int(self.labels[self.map_point(x, y)])

    def mask(self, label: int) -> np.ndarray:
        """uint8 [h, w] map: 1 on the surface."""
        return (self.labels == label).astype(np.uint8)

    def outline(self, label: int) -> list[tuple[int, int]]:
        """The surface's outer border as a polygon in photo pixels, at most 64 points."""
        return outline_of(self.mask(label), self.photo_size)

    def anchor(self, label: int) -> tuple[int, int]:
        """(x, y) in photo pixels of the surface's point farthest from its border."""
        mask = np.pad(self.mask(label), 1)
        distance = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
        row, column = np.unravel_index(int(np.argmax(distance)), distance.shape)
        rows, columns = self.labels.shape
        height, width = self.photo_size
        x = min(width - 1, int((column - 1 + 0.5) * width / columns))
        y = min(height - 1, int((row - 1 + 0.5) * height / rows))
        return x, y


def outline_of(mask: np.ndarray, photo_size: tuple[int, int]) -> list[tuple[int, int]]:
    """The largest outer contour of a uint8 map mask, simplified to at most 64 points and
    scaled to photo pixels (the map's pixel edges, not centres, so it covers the area)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    contour = max(contours, key=cv2.contourArea)
    tolerance = 0.5
    polygon = contour
    while len(polygon) > MAX_OUTLINE_POINTS:
        polygon = cv2.approxPolyDP(contour, tolerance, True)
        tolerance *= 1.5
    rows, columns = mask.shape
    height, width = photo_size
    points = polygon.reshape(-1, 2).astype(np.float64)
    xs = np.clip(np.rint((points[:, 0] + 0.5) * width / columns), 0, width - 1)
    ys = np.clip(np.rint((points[:, 1] + 0.5) * height / rows), 0, height - 1)
    return [(int(x), int(y)) for x, y in zip(xs, ys, strict=True)]


def map_lightness(lightness: np.ndarray, side: int = SURFACE_SIDE) -> np.ndarray:
    """L* [H, W] shrunk so its long side is `side` (never enlarged), float32."""
    height, width = lightness.shape
    scale = min(1.0, side / max(height, width))
    if scale == 1.0:
        return lightness.astype(np.float32, copy=False)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(lightness.astype(np.float32), size, interpolation=cv2.INTER_AREA)


def find_surfaces(lightness: np.ndarray, side: int = SURFACE_SIDE) -> Surfaces:
    """The surfaces of a photo from its full-size L* [H, W] (0..100)."""
    small = map_lightness(lightness, side)
    smooth = cv2.bilateralFilter(small, 5, SMOOTH_SIGMA_L, 2.0)
    step = np.maximum(
        cv2.morphologyEx(smooth, cv2.MORPH_DILATE, np.ones((3, 3), np.uint8)) - smooth,
        smooth - cv2.morphologyEx(smooth, cv2.MORPH_ERODE, np.ones((3, 3), np.uint8)),
    )
    plain = (step < PLAIN_STEP).astype(np.uint8)
    minimum = max(4, round(MIN_CORE_SHARE * small.size))
    # Texture (a plaid dress, foliage) is a surface too: its thick stretches seed one, so
    # that it is not flooded into the plain backdrop beside it. Eroding drops the thin
    # lines of edges between two plain stretches, which are borders, not things.
    texture = cv2.erode(1 - plain, np.ones((5, 5), np.uint8))
    # Eroding the plain seeds too cuts the narrow bridges where two plain surfaces of
    # nearly the same lightness touch (a wall and a pale sleeve): the watershed then
    # decides the border along the strongest edge instead of merging them.
    cores = cv2.erode(plain, np.ones((CORE_ERODE, CORE_ERODE), np.uint8))
    markers = np.zeros(small.shape, np.int32)
    placed = 0
    for seeds in (cores, texture):
        count, parts, stats, _ = cv2.connectedComponentsWithStats(seeds, connectivity=4)
        keep = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= minimum)
        keep = keep[keep > 0]  # component 0 is the pixels that are not seeds
        relabel = np.zeros(count, np.int32)
        relabel[keep] = np.arange(placed + 1, placed + len(keep) + 1, dtype=np.int32)
        markers = np.where(relabel[parts] > 0, relabel[parts], markers)
        placed += len(keep)
    if placed == 0:
        markers[:] = 1
    else:
        tone = np.clip(smooth * 2.55, 0, 255).astype(np.uint8)
        cv2.watershed(cv2.merge([tone, tone, tone]), markers)
        # The watershed leaves its dividing lines at -1: they join their neighbour.
        lines = markers <= 0
        if lines.any():
            grown = cv2.dilate(markers.astype(np.float32), np.ones((3, 3), np.uint8))
            markers[lines] = grown[lines].astype(np.int32)
            markers[markers <= 0] = 1
        markers = np.unique(markers, return_inverse=True)[1].reshape(markers.shape) + 1
    labels = markers - 1
    total = np.bincount(labels.ravel(), minlength=labels.max() + 1).astype(np.float64)
    core = np.bincount(labels.ravel(), weights=plain.ravel(), minlength=len(total))
    return Surfaces(
        labels=labels,
        tone=smooth,
        photo_size=lightness.shape[:2],
        areas=total / labels.size,
        plain=core / np.maximum(total, 1.0),
    )
