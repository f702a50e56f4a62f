"""Scratch, crack and dust repair: detection and repair quality per kind of damage, the
shipped network against the first (morphological) detector in the same run, plus the
time to find damage on photos of several sizes.

    .venv/bin/python bench/scratch_repair.py [--limit 300] [--sizes 1024 2048 4096]

Quality comes from training/evaluate_defects.py on dev_eval photos (never trained
on) with damage drawn with a fixed seed; see that module for the definitions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from colorizer_site.engine import scratches  # noqa: E402
from training import evaluate_defects, morphological  # noqa: E402
from training.cache import DATASETS  # noqa: E402


def timing(sizes: list[int]) -> None:
    print("\nseconds to find the damage (median of 3): network / morphological")
    photo = next(iter(sorted((DATASETS / "bw_samples").glob("*.jpg"))))
    gray = cv2.imread(str(photo), cv2.IMREAD_GRAYSCALE).astype(np.float32) / 2.55
    for side in sizes:
        lightness = cv2.resize(gray, (side, side), interpolation=cv2.INTER_CUBIC)
        figures = []
        for detect in (scratches.defect_mask, morphological.scratch_mask):
            detect(lightness)
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                detect(lightness)
                runs.append(time.perf_counter() - started)
            figures.append(statistics.median(runs))
        print(f"  {side}x{side}: {figures[0]:.2f} s / {figures[1]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1024, 2048, 4096])
    args = parser.parse_args()
    photos = sorted((DATASETS / "dev_eval").glob("*.jpg"))[: args.limit]
    print(f"{len(photos)} dev_eval photos, one kind of damage each, in turn")
    print(evaluate_defects.format_table(evaluate_defects.evaluate(photos)))
    timing(args.sizes)


if __name__ == "__main__":
    main()
