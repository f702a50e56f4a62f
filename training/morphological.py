"""Scratch repair on the luminance, before colorization.

Scratches on old prints are long thin lines much brighter (emulsion torn away)
or darker (dirt, ink) than what surrounds them. A morphological top-hat (bright)
and black-hat (dark) finds every thin detail with that contrast; an opening with
line segments at 24 angles keeps only what is locally straight over a good
length, and of the pieces left only the long, narrow ones count, so eyes, text,
foliage and film grain stay. The mask is grown a little and filled in with
OpenCV's inpainting at full resolution.

Detection runs on a copy of at most WORK_SIDE pixels a side; the thresholds were
chosen with bench/scratch_repair.py on dev_eval photos with synthetic scratches.
"""

import functools

import cv2
import numpy as np

WORK_SIDE = 1024
# Contrast (L* units) a line must have against its surroundings.
CONTRAST_THRESHOLD = 30.0
# Top-hat width and the mean width a line may have, at 512 px working size (they
# grow with it); the straight-segment length stays fixed, since longer segments
# would need finer angle steps to follow a one-pixel line.
TOPHAT_SIDE = 7
MAX_MEAN_WIDTH = 7.0
SEGMENT_LENGTH = 31
# A scratch worth repairing spans at least this share of the image's long side.
MIN_LENGTH_SHARE = 0.25
ANGLES = 24


@functools.cache
def _segments(length: int) -> tuple[np.ndarray, ...]:
    """One-pixel line structuring elements at ANGLES orientations."""
    kernels = []
    middle = (length - 1) / 2
    for angle in np.linspace(0.0, np.pi, ANGLES, endpoint=False):
        kernel = np.zeros((length, length), np.uint8)
        dx, dy = np.cos(angle) * middle, np.sin(angle) * middle
        start = (round(middle - dx), round(middle - dy))
        end = (round(middle + dx), round(middle + dy))
        cv2.line(kernel, start, end, 1, 1)
        kernels.append(kernel)
    return tuple(kernels)


def _line_pieces(candidates: np.ndarray, scale: float, long_side: int) -> np.ndarray:
    straight = np.zeros_like(candidates)
    for kernel in _segments(SEGMENT_LENGTH):
        straight |= cv2.morphologyEx(candidates, cv2.MORPH_OPEN, kernel)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(straight, connectivity=8)
    length = np.hypot(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    mean_width = stats[:, cv2.CC_STAT_AREA] / np.maximum(length, 1.0)
    keep = (length >= MIN_LENGTH_SHARE * long_side) & (mean_width <= MAX_MEAN_WIDTH * scale)
    keep[0] = False  # label 0 is the background
    lines = keep[labels].astype(np.uint8)
    # Give back the full width of each kept line that the openings shaved off.
    return cv2.dilate(lines, np.ones((3, 3), np.uint8)) & candidates


def scratch_mask(lightness: np.ndarray) -> np.ndarray:
    """uint8 mask (255 = scratch), at the size of `lightness`."""
    height, width = lightness.shape
    shrink = min(1.0, WORK_SIDE / max(height, width))
    work = lightness
    if shrink < 1.0:
        size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
        work = cv2.resize(lightness, size, interpolation=cv2.INTER_AREA)
    long_side = max(work.shape)
    scale = max(1.0, long_side / 512.0)
    side = round(TOPHAT_SIDE * scale) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    mask = np.zeros(work.shape, np.uint8)
    for operation in (cv2.MORPH_TOPHAT, cv2.MORPH_BLACKHAT):
        response = cv2.morphologyEx(work, operation, kernel)
        candidates = (response > CONTRAST_THRESHOLD).astype(np.uint8)
        mask |= _line_pieces(candidates, scale, long_side)
    if not mask.any():
        return np.zeros((height, width), np.uint8)
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    mask = cv2.dilate(mask * 255, grow)
    if shrink < 1.0:
        mask = cv2.resize(mask, (width, height), interpolation=cv2.INTER_NEAREST)
        mask = cv2.dilate(mask, grow, iterations=max(1, round(1.0 / shrink)))
    return mask


def clean_scratches(lightness: np.ndarray) -> tuple[np.ndarray, float]:
    """Repaired L* (float32) and the share of pixels that were filled in."""
    mask = scratch_mask(lightness)
    touched = cv2.countNonZero(mask)
    if touched == 0:
        return lightness, 0.0
    radius = max(3, round(3 * max(lightness.shape) / WORK_SIDE))
    repaired = cv2.inpaint(lightness.astype(np.float32), mask, radius, cv2.INPAINT_TELEA)
    return repaired, touched / mask.size
