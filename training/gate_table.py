"""How far restore should take its curves, measured on held-out training photos.

    python -m training.gate_table [--photos 200] [--start 256]

Photos from the cache's held-out last 512 (never trained on, and not dev_eval, which
reports the result), each as it is and faded by each kind of training/fading.py with scan
nuisances, are restored at five strengths (0, 1/4, ... 1) with the shipped restorer. From
those, by interpolation, every rule for the strength is scored at once: the mean CIEDE2000
to the clean photo of the faded ones, and how far the good ones move. It also prints how
often the gate and the detector tell faded from good at a few thresholds. GATE_POWER
(engine/restoration.py) and FADED_CALL (engine/photo_kind.py) were chosen from this table
(docs/models/restorer.md).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
from skimage.color import rgb2lab

from colorizer_site.engine import restoration
from colorizer_site.engine.photo_kind import (
    MONOCHROME_KINDS,
    faded_probability,
    kind_probabilities,
)
from colorizer_site.engine.photo_stats import restorer_features, thumbnail
from training import fading
from training.data import CACHE_DIR, VALIDATION_PHOTOS, load_cache
from training.evaluate_restorer import delta_e, to_uint8
from training.train_restorer import clean_rgb

STRENGTHS = np.linspace(0.0, 1.0, 5)
CONDITIONS = ("none", *fading.KINDS)


def measure(photos: list[np.ndarray]) -> list[dict]:
    """Per photo and condition: the gate's P(faded), the detector's faded / (faded +
    colour), and ΔE00 to the clean photo at each of STRENGTHS. Photos the detector calls
    monochrome are left out: restore repairs only their lightness."""
    rows = []
    for number, clean in enumerate(photos):
        truth = rgb2lab(clean)
        for index, condition in enumerate(CONDITIONS):
            rgb = clean
            if condition != "none":
                rng = np.random.default_rng([number, index - 1, 7])
                faded = fading.fade(clean / 255.0, condition, rng)
                rgb = to_uint8(fading.scan_nuisances(faded, rng))
            kinds = kind_probabilities(rgb)
            if max(kinds, key=kinds.__getitem__) in MONOCHROME_KINDS:
                continue
            distances = [delta_e(restored(rgb, s), truth) for s in STRENGTHS]
            rows.append(
                {
                    "condition": condition,
                    "gate": faded_probability(restorer_features(thumbnail(rgb))),
                    "detector": kinds["faded"] / max(kinds["faded"] + kinds["colour"], 1e-6),
                    "distances": distances,
                }
            )
    return rows


def restored(rgb: np.ndarray, strength: float) -> np.ndarray:
    return restoration.restore_colour(rgb, strength=float(strength))[0]


RULES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "the detector's ratio^0.75": lambda gate, detector: detector**0.75,
    "gate^0.75": lambda gate, detector: gate**0.75,
    "gate^1": lambda gate, detector: gate,
    "gate^1.5": lambda gate, detector: gate**1.5,
    "gate^2": lambda gate, detector: gate**2,
    "gate^3": lambda gate, detector: gate**3,
    "all the way": lambda gate, detector: np.ones_like(gate),
    "not at all": lambda gate, detector: np.zeros_like(gate),
}


def score(rows: list[dict], strengths: np.ndarray) -> dict[str, float]:
    """The faded photos' mean ΔE00 (the mean of each kind's), and the good photos' mean,
    share past 2 and 95th percentile, at the given strength per row."""
    conditions = np.array([row["condition"] for row in rows])
    distances = np.array(
        [np.interp(s, STRENGTHS, row["distances"]) for s, row in zip(strengths, rows, strict=True)]
    )
    good = distances[conditions == "none"]
    faded = [distances[conditions == kind].mean() for kind in fading.KINDS]
    return {
        "faded": float(np.mean(faded)),
        "good": float(good.mean()),
        "good past 2": float((good > 2.0).mean()),
        "good 95th percentile": float(np.percentile(good, 95)),
    }


def rule_table(rows: list[dict]) -> dict[str, dict[str, float]]:
    gate = np.array([row["gate"] for row in rows])
    detector = np.array([row["detector"] for row in rows])
    return {name: score(rows, rule(gate, detector)) for name, rule in RULES.items()}


def call_table(rows: list[dict]) -> dict[str, tuple[float, float]]:
    """For each judge and threshold: the share of good photos called good, of faded called faded."""
    faded = np.array([row["condition"] != "none" for row in rows])
    table = {}
    for judge in ("detector", "gate"):
        values = np.array([row[judge] for row in rows])
        for threshold in (0.5, 0.65, 0.8):
            called = values > threshold
            table[f"{judge} > {threshold}"] = (
                float(np.mean(~called[~faded])),
                float(np.mean(called[faded])),
            )
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--start", type=int, default=256, help="the first held-out photo")
    parser.add_argument("--cache", type=Path, default=CACHE_DIR)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    cache = load_cache(args.cache)
    first = len(cache) - VALIDATION_PHOTOS + args.start
    photos = [
        to_uint8(clean_rgb(cache[index]))
        for index in range(first, min(first + args.photos, len(cache)))
    ]
    rows = measure(photos)
    print(f"{len(photos)} held-out photos, {len(rows)} restorations scored (ΔE00)")
    print(f"{'how far the curves go':<28}{'faded':>8}{'good':>8}{'good>2':>8}{'good p95':>10}")
    for name, values in rule_table(rows).items():
        print(
            f"{name:<28}{values['faded']:>8.2f}{values['good']:>8.2f}"
            f"{values['good past 2']:>8.1%}{values['good 95th percentile']:>10.2f}"
        )
    print(f"\n{'call':<20}{'good right':>12}{'faded right':>13}")
    for name, (good, faded) in call_table(rows).items():
        print(f"{name:<20}{good:>12.1%}{faded:>13.1%}")


if __name__ == "__main__":
    main()
