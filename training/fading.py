"""Fading models of old colour prints, and the other looks a photo can arrive in.

Restore mode (docs/models/restorer.md) learns from pairs made here: a training photo
and the same photo faded. A chromogenic print holds three dyes (cyan, magenta,
yellow) that absorb red, green and blue; they fade at different speeds, and the
paper's base yellows. So each model works on linear light, where a dye's
transmittance multiplies:

- cyan_loss: the cyan dye loses density, red comes through: a red-magenta cast,
  strongest in the shadows and midtones (the usual 1970s print).
- yellowing: the base and the gelatine stain yellow-brown: blue is absorbed,
  highlights turn cream.
- overall: all dyes thin out: blacks lift to grey, contrast and saturation drop.
- uneven: the cast or yellowing varies across the print (light through a frame
  window, a stain from an album page).

Every faded photo also gets some of the nuisances of a scan: blur, grain, JPEG.
The detector of photo kinds learns from the same photos rendered gray, toned
(sepia, selenium, cyanotype) and left in colour.
"""

from __future__ import annotations

import cv2
import numpy as np

KINDS = ("cyan_loss", "yellowing", "overall", "uneven")
TONES = ("sepia", "selenium", "cyanotype")
# The tones' a*, b* at full strength (midtones); shadows and highlights carry less.
TONE_AB = {"sepia": (9.0, 24.0), "selenium": (6.0, -3.0), "cyanotype": (-6.0, -32.0)}


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _encoded(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def cyan_loss(rgb: np.ndarray, strength: float, magenta_share: float = 0.2) -> np.ndarray:
    """The cyan dye keeps (1 - strength) of its density, magenta a little more."""
    linear = np.maximum(_linear(rgb), 1e-3)
    keep = np.array([1.0 - strength, 1.0 - strength * magenta_share, 1.0])
    return _encoded(linear**keep).astype(np.float32)


def yellowing(rgb: np.ndarray, strength: float) -> np.ndarray:
    """A yellow-brown stain over everything: blue transmittance drops most, green a little."""
    transmit = np.array([1.0 - 0.08 * strength, 1.0 - 0.3 * strength, 1.0 - strength])
    return _encoded(_linear(rgb) * transmit).astype(np.float32)


def overall(rgb: np.ndarray, black: float, white: float, desaturate: float) -> np.ndarray:
    """Dyes thinned everywhere: colour pulled toward grey, black lifted, white dulled."""
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    mixed = rgb + desaturate * (luma[..., None] - rgb)
    return (black + (white - black) * mixed).astype(np.float32)


def smooth_field(side: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A low-frequency field in 0..1: a gradient across the print plus a few soft blotches."""
    height, width = side
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * columns / width + np.sin(angle) * rows / height
    field = ramp - ramp.min()
    for _ in range(rng.integers(0, 3)):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        radius = rng.uniform(0.2, 0.5) * max(height, width)
        field += rng.uniform(0.3, 1.0) * np.exp(
            -((rows - cy) ** 2 + (columns - cx) ** 2) / radius**2
        )
    return (field / max(float(field.max()), 1e-6)).astype(np.float32)


def uneven(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Cyan loss or yellowing that is strong on one side of the print and mild on the other."""
    field = smooth_field(rgb.shape[:2], rng)[..., None]
    if rng.random() < 0.5:
        faded = cyan_loss(rgb, rng.uniform(0.45, 0.75), rng.uniform(0.0, 0.4))
    else:
        faded = yellowing(rgb, rng.uniform(0.35, 0.6))
    mild = rng.uniform(0.1, 0.35)
    return (rgb + (mild + (1 - mild) * field) * (faded - rgb)).astype(np.float32)


def fade(rgb: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """float32 sRGB 0..1 [H, W, 3] faded by one kind, at a random strength."""
    if kind == "cyan_loss":
        return cyan_loss(rgb, rng.uniform(0.3, 0.7), rng.uniform(0.0, 0.4))
    if kind == "yellowing":
        return yellowing(rgb, rng.uniform(0.2, 0.5))
    if kind == "overall":
        return overall(rgb, rng.uniform(0.08, 0.25), rng.uniform(0.8, 0.97), rng.uniform(0.2, 0.55))
    if kind == "uneven":
        return uneven(rgb, rng)
    raise ValueError(f"unknown fading kind {kind!r}")


def fade_mixed(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What real old prints mostly show: a cast and a general fading together."""
    first = fade(rgb, str(rng.choice(["cyan_loss", "yellowing", "uneven"])), rng)
    return overall(first, rng.uniform(0.04, 0.18), rng.uniform(0.85, 1.0), rng.uniform(0.1, 0.4))


def scan_nuisances(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Some blur, grain and JPEG, each on about half the photos."""
    out = rgb.astype(np.float32)
    if rng.random() < 0.5:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 1.0))
    if rng.random() < 0.5:
        sigma = rng.uniform(0.005, 0.03)
        # Film grain is mostly shared by the three layers, partly per dye.
        shared = rng.normal(0, sigma, out.shape[:2])[..., None]
        out = out + shared + rng.normal(0, sigma * 0.4, out.shape)
    out = np.clip(out, 0.0, 1.0)
    if rng.random() < 0.5:
        out = jpeg(out, int(rng.integers(45, 92)))
    return out.astype(np.float32)


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    bgr = np.rint(np.clip(rgb, 0, 1)[..., ::-1] * 255).astype(np.uint8)
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)[..., ::-1].astype(np.float32) / 255.0


def gray(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The photo in black and white, as a scanner in colour mode sees a B/W print: a faint tint."""
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    tint = 1.0 + rng.uniform(-0.015, 0.015, 3).astype(np.float32)
    return np.clip(luma[..., None] * tint, 0.0, 1.0).astype(np.float32)


def toned(rgb: np.ndarray, tone: str, rng: np.random.Generator) -> np.ndarray:
    """The photo as a toned print: one hue whose strength follows the midtones."""
    lab = cv2.cvtColor(gray(rgb, rng), cv2.COLOR_RGB2Lab)
    lightness = lab[..., 0]
    a, b = TONE_AB[tone]
    strength = rng.uniform(0.5, 1.3)
    profile = strength * (0.35 + 0.65 * np.sin(np.pi * np.clip(lightness / 100.0, 0, 1)))
    lab[..., 1] = a * profile
    lab[..., 2] = b * profile
    return np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), 0.0, 1.0).astype(np.float32)
