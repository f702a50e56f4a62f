"""Restore mode: take the cast and fading out of an old colour print, keep its colours.

The restorer is a small network of the project's own (docs/models/restorer.md,
trained by training/train_restorer.py on training photos faded by training/fading.py):
from the feature vector of a thumbnail (photo_stats.py) it predicts, for each RGB
channel, where the unfaded photo's quantiles lie, and one saturation gain. Each
channel then goes through the monotone tone curve that carries the faded photo's
quantiles onto the predicted ones (a 256-entry table, so a 16-megapixel photo costs
milliseconds), and the chroma is scaled by the gain. A curve never swaps two
tones, so the colours that survived keep their order and hue: a red dress
stays red. A second small network, the gate, judges from the same features how
likely the photo is to be faded at all, and the curves go only that far, so a photo
in good condition is left nearly as it is. Black-and-white and toned photos get
their lightness repaired only.

Prints fade unevenly (a frame's window, an album page's stain), so the same network
also reads each tile of a 3 x 3 grid of overlapping tiles; every pixel blends the
curves of the tiles around it with the whole photo's, halfway. Taking the tiles'
curves all the way would let a tile of blue sky read as a blue cast.
"""

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from colorizer_site.engine.color import STRIP_ROWS, srgb8_of_lab
from colorizer_site.engine.photo_kind import (
    MONOCHROME_KINDS,
    colour_kind,
    faded_probability,
    kind_probabilities,
)
from colorizer_site.engine.photo_stats import (
    QUANTILES,
    THUMBNAIL_SIDE,
    channel_quantiles,
    restorer_features,
    thumbnail,
)
from colorizer_site.engine.small_network import loaded

# The restorer's name in results and in the provenance metadata written into them.
MODEL_NAME = "own-restorer-v1"
WEIGHTS_FILE = Path(__file__).resolve().parent / "weights" / "restorer.npz"
# The steepest a tone curve may run past its outer knots, and its flattest (a dark,
# low-key photo must not be stretched into noise).
MAX_SLOPE = 4.0
# Monochrome photos: how far their tones may be stretched, and where black and white go.
MAX_MONO_GAIN = 1.8
MONO_BLACK, MONO_WHITE = 3.0, 97.0
# How far the curves go is the gate's P(faded) to this power. Above 1 it holds back where
# the gate is unsure (a warm room, a brown still life): on held-out photos the square
# beat the earlier detector-based gate on faded and good photos alike, where the gate's
# plain probability restored more but moved a quarter of good photos past 2 ΔE00
# (docs/models/restorer.md has the figures).
GATE_POWER = 2.0
# The local curves: tiles a side (each spans two of the grid's cells), and how far a
# pixel's curve moves from the whole photo's toward its tiles'. Both chosen on 40
# held-out photos (docs/models/restorer.md: 3 x 3 at a half beat 2 x 2 and a whole).
TILE_GRID = 3
TILE_SHARE = 0.5
# The long side of the copy that the tiles are cut from.
TILE_SOURCE_SIDE = THUMBNAIL_SIDE * 3


@dataclass
class Restored:
    """A restored photo: uint8 sRGB, or for grey input only its L*; and its detected kind."""

    rgb: np.ndarray | None
    lightness: np.ndarray | None
    kind: str
    details: dict


def predict(
    small: np.ndarray, vector: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """For a thumbnail (and its restorer_features, when already at hand): the faded
    quantiles [3, K], the restored ones [3, K], the chroma gain."""
    faded = channel_quantiles(small)
    network = loaded(WEIGHTS_FILE, "Restore mode")
    output = network(restorer_features(small) if vector is None else vector)
    knots = len(QUANTILES)
    restored = np.clip(faded + output[: 3 * knots].reshape(3, knots), 0.0, 1.0)
    # Quantiles never decrease; the network's guess might, by a hair.
    restored = np.maximum.accumulate(restored, axis=1)
    return faded, restored, float(np.exp(np.clip(output[3 * knots], -0.7, 0.7)))


def curve_tables(faded: np.ndarray, restored: np.ndarray) -> np.ndarray:
    """uint8 lookup table [1, 256, 3] (cv2.LUT's shape) of each channel's tone curve."""
    levels = np.arange(256, dtype=np.float32) / 255.0
    tables = np.empty((256, 3), np.float32)
    for channel in range(3):
        # A flat stretch of the histogram (a clipped channel) repeats a knot; nudge the
        # knots apart so the curve stays a function.
        xs = np.maximum.accumulate(faded[channel]) + np.arange(len(QUANTILES)) * 1e-4
        ys = restored[channel]
        span = max(float(xs[-1] - xs[0]), 1e-3)
        slope = float(np.clip((ys[-1] - ys[0]) / span, 1.0 / MAX_SLOPE, MAX_SLOPE))
        curve = np.interp(levels, xs, ys)
        below, above = levels < xs[0], levels > xs[-1]
        curve[below] = ys[0] - (xs[0] - levels[below]) * slope
        curve[above] = ys[-1] + (levels[above] - xs[-1]) * slope
        tables[:, channel] = curve
    return np.clip(np.rint(tables * 255.0), 0, 255).astype(np.uint8).reshape(1, 256, 3)


def tile_tables(source: np.ndarray, strength: float) -> tuple[np.ndarray, np.ndarray]:
    """The tiles' lookup tables [TILE_GRID, TILE_GRID, 1, 256, 3] (curve_tables' shape),
    cut from `source` (the photo's TILE_SOURCE_SIDE copy) and taken `strength` of the
    way, and the tiles' centres as fractions of the side."""
    height, width = source.shape[:2]
    centres = (np.arange(TILE_GRID) + 0.5) / TILE_GRID
    tables = np.empty((TILE_GRID, TILE_GRID, 1, 256, 3), np.uint8)
    for row, centre_y in enumerate(centres):
        top, bottom = _span(centre_y, height)
        for column, centre_x in enumerate(centres):
            left, right = _span(centre_x, width)
            faded, restored, _ = predict(thumbnail(source[top:bottom, left:right]))
            restored = faded + strength * (restored - faded)
            tables[row, column] = curve_tables(faded, restored)
    return tables, centres


def _span(centre: float, side: int) -> tuple[int, int]:
    half = 1.0 / TILE_GRID
    return int(max(0.0, centre - half) * side), int(np.ceil(min(1.0, centre + half) * side))


def _tent_weights(side: int, centres: np.ndarray) -> np.ndarray:
    """[len(centres), side]: each tile's share of every row (or column), linear between
    neighbouring centres, flat beyond the outer ones; the shares add up to 1."""
    position = (np.arange(side, dtype=np.float32) + 0.5) / side
    position = np.clip(position, centres[0], centres[-1])
    spacing = float(centres[1] - centres[0])
    return np.maximum(0.0, 1.0 - np.abs(position[None, :] - centres[:, None]) / spacing)


def apply_local_curves(
    rgb: np.ndarray, whole: np.ndarray, tiles: np.ndarray, centres: np.ndarray
) -> np.ndarray:
    """uint8 sRGB through, at each pixel, the whole photo's curves blended TILE_SHARE of
    the way toward the tiles' curves around it (bilinear between tile centres), in strips."""
    height, width = rgb.shape[:2]
    row_weights = _tent_weights(height, centres) * TILE_SHARE
    column_weights = _tent_weights(width, centres)
    out = np.empty_like(rgb)
    for top in range(0, height, STRIP_ROWS):
        rows = slice(top, top + STRIP_ROWS)
        strip = rgb[rows]
        blend = cv2.LUT(strip, whole).astype(np.float32) * (1.0 - TILE_SHARE)
        for row in range(TILE_GRID):
            share_y = row_weights[row, rows]
            if not share_y.any():
                continue
            for column in range(TILE_GRID):
                share_x = column_weights[column]
                weight = share_y[:, None, None] * share_x[None, :, None]
                blend += weight * cv2.LUT(strip, tiles[row, column])
        out[rows] = np.clip(np.rint(blend), 0, 255).astype(np.uint8)
    return out


def scale_chroma(rgb: np.ndarray, gain: float) -> np.ndarray:
    """uint8 sRGB with every pixel's chroma times `gain` at its own L* and hue, in strips."""
    if abs(gain - 1.0) < 0.01:
        return rgb
    out = np.empty_like(rgb)
    for top in range(0, rgb.shape[0], STRIP_ROWS):
        strip = rgb[top : top + STRIP_ROWS].astype(np.float32) / 255.0
        lab = cv2.cvtColor(strip, cv2.COLOR_RGB2Lab)
        out[top : top + STRIP_ROWS] = srgb8_of_lab(
            np.ascontiguousarray(lab[..., 0]), np.ascontiguousarray(lab[..., 1:] * np.float32(gain))
        )
    return out


def restore_colour(
    rgb: np.ndarray, vividness: int | None = None, strength: float | None = None
) -> tuple[np.ndarray, dict]:
    """uint8 sRGB [H, W, 3] restored, and what was done (for the result's metadata).

    `strength` (0..1) takes the curves and the gain that part of the way; left out, it
    is the gate's P(faded) to GATE_POWER, so a good photo is left nearly as it is
    (docs/models/restorer.md has the figures). Vividness scales the restored chroma
    around the restorer's own choice, as it scales the colour of the colorizers that
    give a*, b* directly: 50 (or None) leaves it.
    """
    # Both small copies come from one pass over the full photo: a scan is read once.
    source = thumbnail(rgb, TILE_SOURCE_SIDE)
    small = thumbnail(source)
    vector = restorer_features(small)
    faded_p = faded_probability(vector)
    if strength is None:
        strength = faded_p**GATE_POWER
    faded, restored, gain = predict(small, vector)
    restored = faded + strength * (restored - faded)
    gain **= strength
    tiles, centres = tile_tables(source, strength)
    out = apply_local_curves(rgb, curve_tables(faded, restored), tiles, centres)
    if vividness is not None:
        gain *= 0.5 + vividness / 100.0
    out = scale_chroma(out, gain)
    return out, {
        "chroma_gain": round(float(gain), 3),
        "strength": round(float(strength), 3),
        "faded_probability": round(faded_p, 3),
    }


def restore_lightness(lightness: np.ndarray) -> np.ndarray:
    """L* of a black-and-white or toned photo with its tones stretched to full range.

    Faded monochrome prints lose their blacks and whites alike; the stretch moves
    the 0.5 % and 99.5 % points toward black and white, never past them and never
    by more than MAX_MONO_GAIN, so a deliberately dark or soft photo keeps its key.
    """
    sample = lightness[:: max(1, lightness.shape[0] // 256), :: max(1, lightness.shape[1] // 256)]
    low, high = (float(v) for v in np.quantile(sample, [0.005, 0.995]))
    target_low, target_high = min(low, MONO_BLACK), max(high, MONO_WHITE)
    gain = min((target_high - target_low) / max(high - low, 1e-3), MAX_MONO_GAIN)
    middle = (low + high) / 2.0
    target_middle = (target_low + target_high) / 2.0
    out = (lightness - middle) * gain + target_middle
    return np.clip(out, 0.0, 100.0).astype(np.float32)


def restore(
    rgb: np.ndarray | None, lightness: np.ndarray, vividness: int | None = None
) -> Restored:
    """Restore a decoded photo (uint8 sRGB, or None for a grey image with `lightness`).

    Colour photos, faded or not, go through the learned tone curves; black-and-white
    and toned photos keep their own a*, b* (none, or the tone) at repaired lightness.
    """
    probabilities = kind_probabilities(rgb)
    kind = max(probabilities, key=probabilities.__getitem__)
    if rgb is None or kind in MONOCHROME_KINDS:
        repaired = restore_lightness(lightness)
        if rgb is None:
            return Restored(rgb=None, lightness=repaired, kind=kind, details={})
        lab = _lab_strips(rgb)
        out = srgb8_of_lab(repaired, np.ascontiguousarray(lab[..., 1:]))
        return Restored(rgb=out, lightness=repaired, kind=kind, details={})
    out, details = restore_colour(rgb, vividness)
    kind = colour_kind(details["faded_probability"])
    return Restored(rgb=out, lightness=None, kind=kind, details=details)


def _lab_strips(rgb: np.ndarray) -> np.ndarray:
    lab = np.empty(rgb.shape, np.float32)
    for top in range(0, rgb.shape[0], STRIP_ROWS):
        strip = rgb[top : top + STRIP_ROWS].astype(np.float32) / 255.0
        lab[top : top + STRIP_ROWS] = cv2.cvtColor(strip, cv2.COLOR_RGB2Lab)
    return lab
