"""Clarity boost (Real-ESRGAN x4plus through ncnn on the CPU): time per face and for a
1024x1024 portrait with one face.

    .venv/bin/python bench/clarity.py [--threads 2]

The portrait is the Einstein photograph from shared/datasets/bw_samples, cropped
square around the face the detector finds and resized to 1024x1024.
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

from colorizer_site.engine import clarity

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "bw_samples"


def _timed(function, *args, repeat: int = 1, **kwargs) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def _portrait() -> np.ndarray:
    source = np.asarray(Image.open(SAMPLES / "deoldify-einstein_portrait.jpg").convert("RGB"))
    x, y, w, h = clarity.detect_faces(source)[0]
    side = min(source.shape[0], source.shape[1], int(max(w, h) * 1.8))
    cx, cy = x + w // 2, y + h // 2
    left = min(max(0, cx - side // 2), source.shape[1] - side)
    top = min(max(0, cy - side // 2), source.shape[0] - side)
    square = source[top : top + side, left : left + side]
    return cv2.resize(square, (1024, 1024), interpolation=cv2.INTER_CUBIC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    portrait = _portrait()
    loading, _ = _timed(clarity._net, args.threads)
    print(f"clarity boost, {args.threads} threads; network load {loading * 1000:.0f} ms")

    detection, faces = _timed(clarity.detect_faces, portrait, repeat=3)
    print(f"  face detection on 1024x1024: {detection * 1000:.0f} ms, faces found: {len(faces)}")

    x, y, w, h = faces[0]
    for side in (64, 256, 512, 768):
        face = portrait[y : y + h, x : x + w]
        crop = cv2.resize(face, (side, side), interpolation=cv2.INTER_AREA)
        seconds, _ = _timed(clarity._remaster_crop, crop, args.threads)
        work = min(clarity.FACE_WORK_MAX, max(clarity.FACE_WORK_MIN, -(-side // clarity.SCALE)))
        print(
            f"  one face, crop {side:>3}x{side:<3} (network input {work}x{work}): {seconds:.2f} s"
        )

    seconds, (_, _, note) = _timed(clarity.remaster_faces, portrait, threads=args.threads)
    print(f"  1024x1024 portrait end to end (detect + redraw + blend): {seconds:.2f} s; {note}")

    small = cv2.resize(portrait, (256, 256), interpolation=cv2.INTER_AREA)
    seconds, _ = _timed(clarity.remaster_whole_image, small, threads=args.threads)
    print(f"  whole-image mode at 256x256 (the cap): {seconds:.2f} s")


if __name__ == "__main__":
    main()
