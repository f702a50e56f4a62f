"""Pins that fix a region, and only that region: each pin's colour spread over its surface.

The network takes a pin as a small patch and spreads it by what it learned,
which on real photos is both too little (a wall stays half its old colour) and
too much (a blue pin on a back wall tints the faces in front). Here the engine
spreads each pin itself over the surface it falls on (engine.surfaces, the same
surface `ColourAnalysis.reach` outlines for the page), up to that surface's
edges:

- on a plain surface (a backdrop, a wall, a sky) the pin's a*, b* covers the
  whole surface, at PIN_STRENGTH (the network's colour shows through a little,
  so shading keeps its life);
- on a textured one (foliage, a crowd, a patterned dress), where a surface is
  only loosely one thing, the reach also fades with distance from the pin
  (TEXTURE_REACH of the photo's long side), in proportion to how textured it is;
- several pins on one surface share it, each colouring the part nearest to it.

It is computed once on the surface map (a couple of hundred pixels a side) and
enlarged to the photo a strip of rows at a time, so a 60-megapixel scan costs
what its strips cost. The exact colour of the pinned spot itself is still set
afterwards (engine.hints.apply_pins).
"""

from dataclasses import dataclass

import numpy as np

from colorizer_site.engine.hints import ab_of_hex
from colorizer_site.engine.surfaces import Surfaces
from colorizer_site.engine.types import ColourHint
from colorizer_site.engine.upsampling import resize_rows

PIN_STRENGTH = 0.85  # share of the pin's colour on its surface
TEXTURE_REACH = 0.08  # of the long side: how far a pin reaches on a fully textured surface
SHARE_REACH = 0.25  # of the long side: several pins on a surface split it by nearness
# L* units: a surface's parts much lighter or darker than the pinned spot take less of it.
# Shading on a wall stays well within it; a pale sleeve that the surface map merged with
# a wall of nearly its lightness mostly does not.
PIN_TONE_REACH = 14.0


@dataclass(frozen=True)
class PinSpread:
    """On the surface map: how much of a pin colour each pixel takes, and which colour."""

    weighted: np.ndarray  # [h, w, 3]: weight, weight * a*, weight * b*

    def rows(self, top: int, bottom: int, width: int, height: int) -> np.ndarray:
        """[bottom - top, width, 3] of the same, enlarged to the photo's size."""
        return resize_rows(self.weighted, width, height, top, bottom)


def pin_spread(hints: tuple[ColourHint, ...], surfaces: Surfaces) -> PinSpread | None:
    """Where each pin's colour goes on the surface map; None without pins."""
    if not hints:
        return None
    rows, columns = surfaces.labels.shape
    height, width = surfaces.photo_size
    # Map pixel centres in photo pixels, so distances are the photo's, whatever its aspect.
    ys = (np.arange(rows, dtype=np.float32)[:, None] + 0.5) * (height / rows)
    xs = (np.arange(columns, dtype=np.float32)[None, :] + 0.5) * (width / columns)
    long_side = float(max(height, width))
    reach_total = np.zeros((rows, columns), np.float32)
    share_total = np.zeros((rows, columns), np.float32)
    colour_total = np.zeros((rows, columns, 2), np.float32)
    for hint in hints:
        label = surfaces.label_at(hint.x, hint.y)
        mask = surfaces.labels == label
        squared = (ys - hint.y) ** 2 + (xs - hint.x) ** 2
        plain = float(surfaces.plain[label])
        fade = np.exp(-squared / (2.0 * (TEXTURE_REACH * long_side) ** 2))
        tone = surfaces.tone - surfaces.tone[surfaces.map_point(hint.x, hint.y)]
        reach = mask * (plain + (1.0 - plain) * fade) * np.exp(-(tone**2) / (2 * PIN_TONE_REACH**2))
        share = reach * (np.exp(-squared / (2.0 * (SHARE_REACH * long_side) ** 2)) + 1e-3)
        reach_total = np.maximum(reach_total, reach)
        share_total += share
        colour_total += share[..., None] * ab_of_hex(hint.color).astype(np.float32)
    colour = colour_total / np.maximum(share_total, 1e-12)[..., None]
    weight = (PIN_STRENGTH * reach_total).astype(np.float32)
    return PinSpread(np.dstack([weight, weight[..., None] * colour]).astype(np.float32))


def spread_pins(
    ab: np.ndarray, spread: PinSpread | None, photo_size: tuple[int, int], first_row: int = 0
) -> np.ndarray:
    """Blend the pins' colours into `ab` (in place; a strip of rows from `first_row`)."""
    if spread is None:
        return ab
    height, width = photo_size
    strip = spread.rows(first_row, first_row + ab.shape[0], width, height)
    weight = strip[..., :1]
    ab *= 1.0 - weight
    ab += strip[..., 1:]
    return ab
