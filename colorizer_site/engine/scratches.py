"""Scratch, crack and dust repair on the luminance, before colorization.

A small network of the project's own (DefectNet, `training/train_defects.py`,
shipped as `weights/defects.onnx`) marks damaged pixels: thin scratches, long and
branching cracks, dust specks and fibres, torn corners and emulsion blotches. It
learned them from damage drawn on photos with exact masks, beside undamaged
photos, so it leaves eyes, text, wires and grain alone. It looks at a copy of at
most WORK_SIDE pixels a side; the marked pixels are grown by a pixel (scratches
have soft, anti-aliased edges) and filled in with OpenCV's inpainting at full
resolution. Nothing is touched when nothing is found.
"""

import json
import threading
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort

from colorizer_site.engine.errors import ModelNotInstalled
from colorizer_site.engine.model_registry import WEIGHTS_DIR, session_options

WORK_SIDE = 1536
# Fewer marked pixels than this (at working size) is noise, not damage worth a repair.
MIN_MARKED = 4

_sessions: dict[tuple[Path, int], ort.InferenceSession] = {}
_lock = threading.Lock()


@cache
def _record(weights_dir: Path) -> dict:
    path = weights_dir / "defects.json"
    if not path.is_file():
        raise ModelNotInstalled(f"Scratch repair needs its network: {path} is missing.")
    return json.loads(path.read_text())


def _session(threads: int, weights_dir: Path = WEIGHTS_DIR) -> ort.InferenceSession:
    key = (weights_dir, threads)
    with _lock:
        if key not in _sessions:
            path = weights_dir / _record(weights_dir)["file"]
            if not path.is_file():
                raise ModelNotInstalled(f"Scratch repair needs its network: {path} is missing.")
            _sessions[key] = ort.InferenceSession(
                str(path), sess_options=session_options(threads), providers=["CPUExecutionProvider"]
            )
        return _sessions[key]


def defect_probability(lightness: np.ndarray, threads: int = 2) -> np.ndarray:
    """Per-pixel probability of damage (float32, 0..1) on the working copy of `lightness`."""
    height, width = lightness.shape
    shrink = min(1.0, WORK_SIDE / max(height, width))
    work = lightness.astype(np.float32)
    if shrink < 1.0:
        size = (max(1, round(width * shrink)), max(1, round(height * shrink)))
        work = cv2.resize(work, size, interpolation=cv2.INTER_AREA)
    stride = int(_record(WEIGHTS_DIR)["stride"])
    rows, columns = work.shape
    padded_rows, padded_columns = -(-rows // stride) * stride, -(-columns // stride) * stride
    # Reflected padding: a constant border would look like a long straight edge.
    padded = cv2.copyMakeBorder(
        work, 0, padded_rows - rows, 0, padded_columns - columns, cv2.BORDER_REFLECT_101
    )
    feed = (padded / 50.0 - 1.0)[None, None].astype(np.float32)
    logits = _session(threads).run(None, {"lightness": feed})[0][0, 0, :rows, :columns]
    return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


def defect_mask(
    lightness: np.ndarray, threads: int = 2, threshold: float | None = None
) -> np.ndarray:
    """uint8 mask (255 = repair), at the size of `lightness`. The threshold defaults to
    the shipped one; evaluation tries others."""
    height, width = lightness.shape
    probability = defect_probability(lightness, threads)
    if threshold is None:
        threshold = float(_record(WEIGHTS_DIR)["threshold"])
    marked = (probability > threshold).astype(np.uint8) * 255
    if cv2.countNonZero(marked) < MIN_MARKED:
        return np.zeros((height, width), np.uint8)
    grow = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    if marked.shape != (height, width):
        scale = max(height, width) / max(marked.shape)
        marked = cv2.resize(marked, (width, height), interpolation=cv2.INTER_LINEAR)
        marked = (marked > 96).astype(np.uint8) * 255
        return cv2.dilate(marked, grow, iterations=max(1, round(scale / 2)))
    return cv2.dilate(marked, grow)


def clean_scratches(lightness: np.ndarray, threads: int = 2) -> tuple[np.ndarray, float]:
    """Repaired L* (float32) and the share of pixels that were filled in."""
    mask = defect_mask(lightness, threads)
    touched = cv2.countNonZero(mask)
    if touched == 0:
        return lightness, 0.0
    return inpaint(lightness, mask), touched / mask.size


def inpaint(lightness: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """L* (float32) with the masked pixels filled in from around them."""
    if not mask.any():
        return lightness
    radius = max(3, round(3 * max(lightness.shape) / WORK_SIDE))
    return cv2.inpaint(lightness.astype(np.float32), mask, radius, cv2.INPAINT_TELEA)


def clean_scratches_colour(
    rgb: np.ndarray, lightness: np.ndarray, threads: int = 2
) -> tuple[np.ndarray, float]:
    """Restore mode's repair: damage found on the lightness, filled in on all three channels
    (a scratch through a colour print is a scratch through every dye layer)."""
    mask = defect_mask(lightness, threads)
    touched = cv2.countNonZero(mask)
    if touched == 0:
        return rgb, 0.0
    radius = max(3, round(3 * max(lightness.shape) / WORK_SIDE))
    return cv2.inpaint(rgb, mask, radius, cv2.INPAINT_TELEA), touched / mask.size
