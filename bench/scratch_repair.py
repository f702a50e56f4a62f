"""Scratch repair on dev_eval photos with synthetic scratches: error against the clean
photo before and after repair, harm done to clean photos, and time.

    .venv/bin/python bench/scratch_repair.py [--limit N] [--dataset DIR]

Scratches are smooth quadratic curves 1-2 px wide across 30-90 % of the photo,
60 % bright (L* 85-100, torn emulsion) and 40 % dark (L* 0-12, dirt), drawn
anti-aliased onto the photo's L*. Errors are mean absolute L* differences.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from colorizer_site.engine.color import lightness_of_rgb
from colorizer_site.engine.scratches import clean_scratches

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "dev_eval"


def add_scratches(
    lightness: np.ndarray, rng: np.random.Generator, count: int = 5
) -> tuple[np.ndarray, np.ndarray]:
    """The photo with `count` scratches, and their coverage (0..255)."""
    height, width = lightness.shape
    scratched = lightness.copy()
    coverage = np.zeros((height, width), np.uint8)
    for _ in range(count):
        start = rng.uniform(0, [width, height])
        angle = rng.uniform(0, np.pi)
        length = rng.uniform(0.3, 0.9) * max(height, width)
        end = start + length * np.array([np.cos(angle), np.sin(angle)])
        bend = (start + end) / 2 + rng.normal(0, 0.12 * length, 2)
        t = np.linspace(0, 1, 60)[:, None]
        points = (1 - t) ** 2 * start + 2 * (1 - t) * t * bend + t**2 * end
        thickness = int(rng.integers(1, 3))
        value = rng.uniform(85, 100) if rng.random() < 0.6 else rng.uniform(0, 12)
        stroke = np.zeros((height, width), np.uint8)
        fixed_point = np.round(points * 4).astype(np.int32)  # 2 bits of sub-pixel precision
        cv2.polylines(stroke, [fixed_point], False, 255, thickness, cv2.LINE_AA, shift=2)
        weight = stroke.astype(np.float32) / 255.0
        scratched = scratched * (1 - weight) + value * weight
        coverage = np.maximum(coverage, stroke)
    return scratched.astype(np.float32), coverage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    files = sorted(args.dataset.glob("*.jpg"))[: args.limit]
    if not files:
        raise SystemExit(f"no photos in {args.dataset}")
    before, after, on_lines_before, on_lines_after = [], [], [], []
    clean_error, clean_share, seconds = [], [], []
    for path in files:
        clean = lightness_of_rgb(np.asarray(Image.open(path).convert("RGB")))
        scratched, coverage = add_scratches(clean, rng)
        started = time.perf_counter()
        repaired, _ = clean_scratches(scratched)
        seconds.append(time.perf_counter() - started)
        lines = coverage > 64
        before.append(float(np.abs(scratched - clean).mean()))
        after.append(float(np.abs(repaired - clean).mean()))
        on_lines_before.append(float(np.abs(scratched - clean)[lines].mean()))
        on_lines_after.append(float(np.abs(repaired - clean)[lines].mean()))
        untouched, share = clean_scratches(clean)
        clean_error.append(float(np.abs(untouched - clean).mean()))
        clean_share.append(share)

    improved = sum(a < b for a, b in zip(after, before, strict=True))
    print(f"scratch repair on {len(files)} dev_eval photos ({files[0].parent})")
    print(
        f"  mean |L* error| whole photo:  before {statistics.mean(before):.3f}"
        f"  after {statistics.mean(after):.3f}"
        f"  ratio {statistics.mean(after) / statistics.mean(before):.2f}"
    )
    print(
        f"  mean |L* error| on scratches: before {statistics.mean(on_lines_before):.2f}"
        f"  after {statistics.mean(on_lines_after):.2f}"
    )
    print(f"  photos improved: {improved}/{len(files)}")
    print(
        f"  clean photos: {statistics.mean(clean_share) * 100:.3f}% of pixels touched,"
        f" mean |L* change| {statistics.mean(clean_error):.3f}"
    )
    print(
        f"  time per {clean.shape[1]}x{clean.shape[0]} photo: "
        f"median {statistics.median(seconds) * 1000:.1f} ms"
    )

    for side in (1024, 4096):
        big = cv2.resize(clean, (side, side), interpolation=cv2.INTER_CUBIC)
        scratched, _ = add_scratches(big, rng)
        started = time.perf_counter()
        clean_scratches(scratched)
        print(f"  time at {side}x{side}: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
