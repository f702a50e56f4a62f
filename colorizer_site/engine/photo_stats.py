"""The numbers that describe a photo's tones and colour, read off a small copy of it.

Both the restorer (restoration.py) and the photo-kind detector (photo_kind.py) are
small learned models over this one feature vector; training (training/train_restorer.py)
computes it with the same function, so the two sides cannot drift apart.
"""

import cv2
import numpy as np

# The photo is looked at this many pixels on its long side: the training photos' size.
THUMBNAIL_SIDE = 128
# Quantiles of each RGB channel: features, and the knots of the restorer's tone curves.
QUANTILES = np.array(
    [0.005, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.995],
    np.float32,
)


def thumbnail(rgb: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """float32 sRGB 0..1, at most `side` pixels on the long side (area-averaged)."""
    height, width = rgb.shape[:2]
    scale = min(1.0, side / max(height, width))
    small = rgb
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    if small.dtype == np.uint8:
        return small.astype(np.float32) / 255.0
    return small.astype(np.float32)


def sorted_quantiles(values: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """numpy's default (linear) quantiles of each column, from one sort: several times
    faster than np.quantile's partitions when many quantiles are wanted."""
    ordered = np.sort(values, axis=0)
    position = np.asarray(quantiles, np.float64) * (len(ordered) - 1)
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(ordered) - 1)
    weight = (position - below).reshape(-1, *([1] * (values.ndim - 1)))
    return (ordered[below] * (1 - weight) + ordered[above] * weight).astype(np.float32)


def channel_quantiles(rgb: np.ndarray) -> np.ndarray:
    """[3, len(QUANTILES)]: each channel's value at each quantile."""
    return sorted_quantiles(rgb.reshape(-1, 3), QUANTILES).T


def lab_of_unit_rgb(rgb: np.ndarray) -> np.ndarray:
    """CIELAB of float32 sRGB 0..1 (OpenCV applies the sRGB curve for float input too)."""
    return cv2.cvtColor(np.ascontiguousarray(rgb, np.float32), cv2.COLOR_RGB2Lab)


def features(small: np.ndarray, lab: np.ndarray | None = None) -> np.ndarray:
    """The feature vector (float32) of a thumbnail from `thumbnail()`: its tones and colour.
    `lab` is the thumbnail's CIELAB, when the caller has it already."""
    pixels = small.reshape(-1, 3)
    lab = (lab_of_unit_rgb(small) if lab is None else lab).reshape(-1, 3)
    lightness, ab = lab[:, 0], lab[:, 1:] / 50.0
    chroma = np.hypot(ab[:, 0], ab[:, 1])
    lightness_q = sorted_quantiles(lightness, np.array([0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]))
    dark, light = lightness <= lightness_q[2], lightness >= lightness_q[4]
    # How much of the chroma points one way: 1 for a toned print, low for a colourful scene.
    resultant = np.hypot(*ab.sum(axis=0)) / max(float(chroma.sum()), 1e-6)
    with np.errstate(invalid="ignore", divide="ignore"):
        channel_corr = np.nan_to_num(np.corrcoef(pixels.T), nan=1.0)
        chroma_lightness_corr = np.nan_to_num(np.corrcoef(chroma, lightness)[0, 1], nan=0.0)
    parts = [
        channel_quantiles(small).ravel(),
        pixels.mean(axis=0),
        pixels.std(axis=0),
        lightness_q[[0, 1, 3, 5, 6]] / 100.0,
        ab.mean(axis=0),
        sorted_quantiles(ab, np.array([0.05, 0.5, 0.95])).ravel(),
        [chroma.mean(), *sorted_quantiles(chroma, np.array([0.5, 0.9, 0.99]))],
        [resultant, chroma_lightness_corr],
        ab[dark].mean(axis=0) if dark.any() else np.zeros(2),
        ab[light].mean(axis=0) if light.any() else np.zeros(2),
        channel_corr[np.triu_indices(3, 1)],
    ]
    return np.concatenate([np.ravel(np.asarray(part, np.float32)) for part in parts])


# Lightness bands whose median a*, b* the restorer reads: a cast is seldom the same in
# the shadows and the highlights (cyan loss shows most in the shadows).
LIGHTNESS_BANDS = 6


def restorer_features(small: np.ndarray) -> np.ndarray:
    """The restorer's input: features() and cues to how the three dyes faded.

    Besides each lightness band's median a*, b*: in linear light a dye's fading is a power and a
    stain a gain per channel, so the fit of log red (and log blue) against log green over
    the pixels estimates both; and the mean a*, b* of the least colourful tenth of the
    pixels, which in a scene in good condition are close to grey.
    """
    whole_lab = lab_of_unit_rgb(small)
    lab = whole_lab.reshape(-1, 3)
    ab = lab[:, 1:] / 50.0
    bands = np.array_split(np.argsort(lab[:, 0], kind="stable"), LIGHTNESS_BANDS)
    band_ab = [np.median(ab[band], axis=0) if len(band) else np.zeros(2) for band in bands]
    pixels = small.reshape(-1, 3).astype(np.float32)
    linear = np.where(pixels <= 0.04045, pixels / 12.92, ((pixels + 0.055) / 1.055) ** 2.4)
    logs = np.log(np.maximum(linear, 2e-3))
    green = logs[:, 1] - logs[:, 1].mean()
    spread = max(float((green * green).mean()), 1e-6)
    fits = []
    for channel in (0, 2):
        slope = float(((logs[:, channel] - logs[:, channel].mean()) * green).mean() / spread)
        fits += [slope, float(logs[:, channel].mean() - slope * logs[:, 1].mean())]
    chroma = np.hypot(ab[:, 0], ab[:, 1])
    greyest = chroma <= np.quantile(chroma, 0.1)
    extra = [np.ravel(band_ab), fits, ab[greyest].mean(axis=0)]
    parts = (np.asarray(part, np.float32) for part in extra)
    return np.concatenate([features(small, whole_lab), *parts])
