"""sRGB (D65) <-> CIELAB in float32, vectorised for whole photos.

The luminance side is exact (lookup tables of the sRGB transfer curve), because
the output keeps the input's L: OpenCV's float RGB->Lab path uses a coarse gamma
table and is off by up to 0.2 L. The way back uses OpenCV's Lab->RGB, which
agrees with the formulas to 0.02/255 and is several times faster than numpy, in
row strips so the float buffers stay small. Colours the model pushes outside
the sRGB gamut are pulled in by shrinking their chroma at constant L, instead of
clipping channels (which would change the lightness the user gave us).
"""

import functools

import cv2
import numpy as np

# D65 white, the values OpenCV uses, so both directions agree.
WHITE = np.array([0.950456, 1.0, 1.088754])
RGB_TO_XYZ = np.array(
    [
        [0.412453, 0.357580, 0.180423],
        [0.212671, 0.715160, 0.072169],
        [0.019334, 0.119193, 0.950227],
    ]
)
XYZ_TO_RGB = np.linalg.inv(RGB_TO_XYZ)
_DELTA = 6.0 / 29.0
STRIP_ROWS = 256


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """sRGB-encoded 0..1 to linear light (float64 for tables, float32 otherwise)."""
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    clipped = np.clip(values, 0.0, 1.0)
    return np.where(clipped <= 0.0031308, clipped * 12.92, 1.055 * clipped ** (1 / 2.4) - 0.055)


def lightness_from_y(y: np.ndarray) -> np.ndarray:
    """CIE L* (0..100) from relative luminance Y (0..1)."""
    f = np.where(y > _DELTA**3, np.cbrt(y), y / (3 * _DELTA**2) + 4.0 / 29.0)
    return 116.0 * f - 16.0


def y_from_lightness(lightness: np.ndarray) -> np.ndarray:
    f = (lightness + 16.0) / 116.0
    return np.where(f > _DELTA, f**3, 3 * _DELTA**2 * (f - 4.0 / 29.0))


@functools.cache
def _gray_table(levels: int) -> np.ndarray:
    """L* of every grey level of an 8- or 16-bit sRGB image."""
    return lightness_from_y(srgb_to_linear(np.arange(levels) / (levels - 1))).astype(np.float32)


@functools.cache
def _channel_tables() -> np.ndarray:
    """Per-channel contribution to Y of every 8-bit sRGB level, shaped for cv2.LUT."""
    linear = srgb_to_linear(np.arange(256) / 255.0)
    weights = RGB_TO_XYZ[1]
    tables = np.stack([linear * weights[0], linear * weights[1], linear * weights[2]], axis=-1)
    return tables.astype(np.float32).reshape(1, 256, 3)


def lightness_of_gray(gray: np.ndarray) -> np.ndarray:
    """L* (float32, H x W) of a grey image, uint8 or uint16."""
    if gray.dtype == np.uint8:
        return cv2.LUT(gray, _gray_table(256))
    return _gray_table(65536)[gray]


def lightness_of_rgb(rgb: np.ndarray) -> np.ndarray:
    """L* (float32, H x W) of an 8-bit sRGB image, in row strips to keep buffers small."""
    height, width = rgb.shape[:2]
    out = np.empty((height, width), np.float32)
    tables = _channel_tables()
    ones = np.ones((1, 3), np.float32)
    for top in range(0, height, STRIP_ROWS):
        bottom = min(height, top + STRIP_ROWS)
        y = cv2.transform(cv2.LUT(rgb[top:bottom], tables), ones)
        lightness = out[top:bottom]
        np.cbrt(y, out=lightness)
        lightness *= 116.0
        lightness -= 16.0
        dark = y <= _DELTA**3
        if dark.any():
            lightness[dark] = y[dark] * (116.0 / (3 * _DELTA**2))
    return out


def lab_of_rgb(rgb: np.ndarray) -> np.ndarray:
    """Exact CIELAB (float32, H x W x 3) of an 8-bit sRGB image; for checks and small images."""
    xyz = srgb_to_linear(rgb.astype(np.float64) / 255.0) @ RGB_TO_XYZ.T / WHITE
    f = np.where(xyz > _DELTA**3, np.cbrt(xyz), xyz / (3 * _DELTA**2) + 4.0 / 29.0)
    fx, fy, fz = f[..., 0], f[..., 1], f[..., 2]
    lab = np.stack([116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)], axis=-1)
    return lab.astype(np.float32)


def mean_chroma(rgb: np.ndarray, sample_side: int = 128) -> float:
    """Mean CIELAB chroma on a subsample: tells a colour photo from a grey one."""
    step = max(1, max(rgb.shape[:2]) // sample_side)
    lab = lab_of_rgb(rgb[::step, ::step])
    return float(np.hypot(lab[..., 1], lab[..., 2]).mean())


def gray_rgb_of_lightness(lightness: np.ndarray) -> np.ndarray:
    """The neutral sRGB (0..1, H x W x 3) with the given L*: what DDColor is fed."""
    value = linear_to_srgb(y_from_lightness(lightness.astype(np.float32))).astype(np.float32)
    return np.repeat(value[..., None], 3, axis=-1)


def _linear_rgb(lightness: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Linear sRGB (N x 3, unclipped) of CIELAB values, float32."""
    fy = (lightness.astype(np.float32) + 16.0) / 116.0
    fx = fy + a.astype(np.float32) / 500.0
    fz = fy - b.astype(np.float32) / 200.0
    xyz = np.empty((*fy.shape, 3), np.float32)
    for channel, f, white in ((0, fx, WHITE[0]), (1, fy, 1.0), (2, fz, WHITE[2])):
        cube = np.where(f > _DELTA, f * f * f, (3 * _DELTA**2) * (f - 4.0 / 29.0))
        xyz[..., channel] = cube * white
    return xyz @ XYZ_TO_RGB.T.astype(np.float32)


def _in_gamut(lightness: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    rgb = _linear_rgb(lightness, a, b)
    return np.all((rgb >= -1e-6) & (rgb <= 1.0 + 1e-6), axis=-1)


# The gamut table: the largest in-gamut chroma for each L* (steps of 1/GAMUT_L_STEPS)
# and hue (whole degrees), found once by bisection and eroded so that a lookup by
# the nearest cell never promises more chroma than a neighbouring cell allows.
GAMUT_L_STEPS = 2


@functools.cache
def _gamut_table() -> np.ndarray:
    levels = np.linspace(0.0, 100.0, 100 * GAMUT_L_STEPS + 1)
    lightness, hue = np.meshgrid(levels, np.radians(np.arange(360.0)), indexing="ij")
    cos, sin = np.cos(hue), np.sin(hue)
    low = np.zeros_like(lightness)
    high = np.full_like(lightness, 200.0)
    for _ in range(24):
        middle = (low + high) * 0.5
        ok = _in_gamut(lightness, middle * cos, middle * sin)
        low = np.where(ok, middle, low)
        high = np.where(ok, high, middle)
    wrapped = np.concatenate([low[:, -1:], low, low[:, :1]], axis=1).astype(np.float32)
    eroded = cv2.erode(wrapped, np.ones((3, 3), np.uint8), borderType=cv2.BORDER_REPLICATE)
    return eroded[:, 1:-1] * 0.995


def _fit_sparse(lab: np.ndarray, rgb8: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
    """Pull the out-of-gamut pixels among a few candidates in, and convert them again."""
    candidates = lab[rows, cols]
    lightness, a, b = candidates[:, 0], candidates[:, 1], candidates[:, 2]
    outside = ~_in_gamut(lightness, a, b)
    if not outside.any():
        return
    rows, cols = rows[outside], cols[outside]
    lightness, a, b = lightness[outside], a[outside], b[outside]
    chroma = np.hypot(a, b)
    hue = np.rint(np.degrees(np.arctan2(b, a))).astype(np.int32) % 360
    row = np.clip(np.rint(lightness * GAMUT_L_STEPS).astype(np.int32), 0, 100 * GAMUT_L_STEPS)
    limit = _gamut_table()[row, hue]
    over = chroma > limit
    if not over.any():
        return
    scale = limit[over] / chroma[over]
    fitted = np.stack([lightness[over], a[over] * scale, b[over] * scale], axis=-1)
    redone = cv2.cvtColor(fitted[:, None, :].astype(np.float32), cv2.COLOR_Lab2RGB)
    rgb8[rows[over], cols[over]] = cv2.convertScaleAbs(redone, alpha=255.0)[:, 0, :]


def _fit_dense(lightness: np.ndarray, ab: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Limit the chroma of every pixel not known to be inside (`inside` != 0) to the
    table, with OpenCV's whole-array operations."""
    a = np.ascontiguousarray(ab[..., 0])
    b = np.ascontiguousarray(ab[..., 1])
    magnitude, angle = cv2.cartToPolar(a, b, angleInDegrees=True)
    limit = cv2.remap(
        _gamut_table(),
        angle,
        lightness * float(GAMUT_L_STEPS),
        cv2.INTER_NEAREST,
        borderMode=cv2.BORDER_WRAP,
    )
    # numpy for the arithmetic: OpenCV reads a Python float as a 4-element scalar
    # and then mistakes a 1x1 image for one too.
    scale = np.minimum(limit / (magnitude + 1e-6), 1.0)
    scale[inside != 0] = 1.0
    lab = cv2.merge([lightness, a * scale, b * scale])
    return cv2.convertScaleAbs(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), alpha=255.0)


def srgb8_of_lab(lightness: np.ndarray, ab: np.ndarray) -> np.ndarray:
    """uint8 sRGB (H x W x 3) from L* (H x W) and a*, b* (H x W x 2), all float32.

    Colours outside sRGB lose chroma at constant L and hue. Strips where they are
    rare (the usual case) fix just those pixels; strips full of them (a model
    that paints highlights) take the vectorised path, which may also trim chroma
    of pixels on the gamut's edge by a hair.
    """
    height, width = lightness.shape
    out = np.empty((height, width, 3), np.uint8)
    for top in range(0, height, STRIP_ROWS):
        bottom = min(height, top + STRIP_ROWS)
        lab = cv2.merge([lightness[top:bottom], ab[top:bottom]])
        strip = cv2.convertScaleAbs(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB), alpha=255.0)
        inside = cv2.inRange(strip, (1, 1, 1), (254, 254, 254))
        edge_count = inside.size - cv2.countNonZero(inside)
        if edge_count > inside.size // 50:
            strip = _fit_dense(lightness[top:bottom], ab[top:bottom], inside)
        elif edge_count:
            rows, cols = np.nonzero(inside == 0)
            _fit_sparse(lab, strip, rows, cols)
        out[top:bottom] = strip
    return out
