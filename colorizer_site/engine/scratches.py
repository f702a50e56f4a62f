"""Scratch repair on the luminance, before colorization.

Scratches on old prints are thin lines much brighter (emulsion torn away) or
darker (dirt, ink) than what surrounds them. A morphological top-hat finds every
thin bright or dark detail; of those, only the long, narrow connected pieces are
kept, so eyes, text and texture stay as they are. The kept mask is grown by a
pixel or two and filled in with OpenCV's inpainting.
"""

import cv2
import numpy as np

# How much brighter or darker than its surroundings a line must be, in L* units.
CONTRAST_THRESHOLD = 9.0


def _scale_for(height: int, width: int) -> float:
    # Tuned on 256-1024 px photos; bigger scans show the same scratch with more pixels.
    return max(1.0, max(height, width) / 1024.0)


def scratch_mask(lightness: np.ndarray) -> np.ndarray:
    """uint8 mask (255 = scratch) of thin, line-shaped bright and dark defects."""
    height, width = lightness.shape
    scale = _scale_for(height, width)
    side = round(7 * scale) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    bright = cv2.morphologyEx(lightness, cv2.MORPH_TOPHAT, kernel)
    dark = cv2.morphologyEx(lightness, cv2.MORPH_BLACKHAT, kernel)
    candidates = ((bright > CONTRAST_THRESHOLD) | (dark > CONTRAST_THRESHOLD)).astype(np.uint8)

    _count, labels, stats, _ = cv2.connectedComponentsWithStats(candidates, connectivity=8)
    box_width = stats[:, cv2.CC_STAT_WIDTH].astype(np.float32)
    box_height = stats[:, cv2.CC_STAT_HEIGHT].astype(np.float32)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float32)
    length = np.hypot(box_width, box_height)
    # A line is long for its area: mean width (area / length) of a few pixels at most,
    # and long enough not to be an eyelash, a letter or film grain.
    keep = (length >= 24 * scale) & (area / np.maximum(length, 1.0) <= 3.0 * scale)
    keep[0] = False  # label 0 is the background
    mask = keep[labels].astype(np.uint8) * 255
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    return cv2.dilate(mask, grow, iterations=max(1, round(scale)))


def clean_scratches(lightness: np.ndarray) -> tuple[np.ndarray, float]:
    """Repaired L* (float32) and the share of pixels that were filled in."""
    mask = scratch_mask(lightness)
    touched = cv2.countNonZero(mask)
    if touched == 0:
        return lightness, 0.0
    radius = max(3, round(3 * _scale_for(*lightness.shape)))
    repaired = cv2.inpaint(lightness.astype(np.float32), mask, radius, cv2.INPAINT_TELEA)
    return repaired, touched / mask.size
