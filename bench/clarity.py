"""Clarity boost: seconds per face and what it does to the face, against the first version.

    .venv/bin/python bench/clarity.py [--threads 2]

Speed: one face of 64, 128, 192 and 512 px (cut from the Einstein portrait of
shared/datasets/bw_samples) through today's clarity boost and through the first
version (face shrunk to a quarter, at least 64 and at most 192 px, redrawn and
pasted in colour), in the same run. Quality: on every face the detector finds in
the bw_samples photos and in scikit-image's astronaut photo (public domain, NASA),
identity, texture and seam (training/face_quality.py) for both versions.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from importlib import resources
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from colorizer_site.engine import clarity
from colorizer_site.engine.color import lightness_of_rgb
from training.face_quality import face_figures

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "bw_samples"


def _timed(function, *args, repeat: int = 1, **kwargs) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def first_version(rgb: np.ndarray, threads: int) -> np.ndarray:
    """The clarity boost as first shipped: a quarter-size face redrawn, pasted in colour."""
    out = rgb.copy()
    height, width = rgb.shape[:2]
    faces = clarity.detect_faces(rgb)[:8]
    for x0, y0, x1, y1 in clarity.face_boxes(faces, height, width):
        crop = out[y0:y1, x0:x1]
        long_side = max(crop.shape[:2])
        work = min(192, max(64, math.ceil(long_side / 4)))
        ratio = work / long_side
        size = (max(1, round(crop.shape[1] * ratio)), max(1, round(crop.shape[0] * ratio)))
        upscaled = clarity.upscale_x4(cv2.resize(crop, size, interpolation=cv2.INTER_AREA), threads)
        redrawn = cv2.resize(upscaled, (crop.shape[1], crop.shape[0]), interpolation=cv2.INTER_AREA)
        weight = clarity._feather(*crop.shape[:2])
        blended = crop * (1.0 - weight) + redrawn * weight
        out[y0:y1, x0:x1] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
    return out


def current_version(rgb: np.ndarray, threads: int) -> np.ndarray:
    return clarity.remaster_faces(rgb, threads=threads)[0]


def _photos() -> dict[str, np.ndarray]:
    photos = {
        path.stem.removeprefix("deoldify-"): np.asarray(Image.open(path).convert("RGB"))
        for path in sorted(SAMPLES.glob("*.jpg"))
    }
    astronaut = resources.files("skimage") / "data" / "astronaut.png"
    photos["astronaut"] = np.asarray(Image.open(astronaut).convert("RGB"))
    return photos


def speed(threads: int) -> None:
    source = _photos()["einstein_portrait"]
    x, y, w, h = clarity.detect_faces(source)[0]
    face = source[max(0, y - h // 3) : y + h + h // 3, max(0, x - w // 3) : x + w + w // 3]
    print("seconds per face (face side = the detector's box; first version / now, ratio)")
    for side in (64, 128, 192, 512):
        scale = side / w
        size = (round(face.shape[1] * scale), round(face.shape[0] * scale))
        canvas = np.full((size[1] + 200, size[0] + 200, 3), 128, np.uint8)
        canvas[100 : 100 + size[1], 100 : 100 + size[0]] = cv2.resize(
            face, size, interpolation=cv2.INTER_AREA
        )
        if not clarity.detect_faces(canvas):
            print(f"  {side:>3} px: no face found at this size")
            continue
        old, _ = _timed(first_version, canvas, threads, repeat=3)
        new, _ = _timed(current_version, canvas, threads, repeat=3)
        print(f"  {side:>3} px: {old:.2f} s / {new:.2f} s  ({old / new:.1f}x faster)")


def quality(threads: int) -> None:
    print("\nper face: identity (SSIM, 1 = same) / texture (1 = same detail) / seam (L*)")
    totals: dict[str, list[dict[str, float]]] = {"first version": [], "now": []}
    for name, rgb in _photos().items():
        faces = clarity.detect_faces(rgb)[:8]
        if not faces:
            continue
        before = lightness_of_rgb(rgb)
        crops = clarity.face_boxes(faces, *rgb.shape[:2])
        results = {
            "first version": first_version(rgb, threads),
            "now": current_version(rgb, threads),
        }
        for label, output in results.items():
            after = lightness_of_rgb(output)
            for box, crop in zip(faces, crops, strict=True):
                totals[label].append(face_figures(before, after, box, crop))
        print(f"  {name}: {len(faces)} face(s)")
    for label, rows in totals.items():
        figures = {key: statistics.mean(row[key] for row in rows) for key in rows[0]}
        worst_seam = max(row["seam"] for row in rows)
        print(
            f"  {label:>13}: identity {figures['identity']:.3f}, texture {figures['texture']:.2f}, "
            f"seam mean {figures['seam']:.2f} / worst {worst_seam:.2f} L* over {len(rows)} faces"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    loading, _ = _timed(clarity._net, args.threads)
    print(f"clarity boost, {args.threads} threads; network load {loading * 1000:.0f} ms")
    speed(args.threads)
    quality(args.threads)


if __name__ == "__main__":
    main()
