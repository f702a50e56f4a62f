"""Fit restore mode's two small models on faded training photos, with numpy, in minutes.

    python -m training.train_restorer [--photos 33000] [--variants 4] [--detector-photos 1500]

1. Pairs: a cached training photo (the held-out last 512 excluded) and the same photo
   faded by one of training/fading.py's kinds (or mixed, or not at all), with scan
   nuisances; each photo `--variants` times, faded afresh each time (a process per core).
   The restorer's targets are the clean photo's per-channel quantiles (as offsets
   from the faded ones) and the chroma gain that the oracle tone curves still leave
   to make up.
   Four pairs in ten are a tile of the photo (two thirds of each side), as restore
   mode also reads the tiles of a photo to follow uneven fading.
2. The restorer: one hidden layer from its feature vector to those targets (Adam, MSE
   on standardized values).
3. Restore's gate: faded or left as it was, from the restorer's features, on its pairs
   (cross-entropy): how far restore takes the curves.
4. The photo-kind detector: one hidden layer and a softmax from the 77 features to black
   and white, toned, faded or colour, on the same photos rendered each way.

Writes colorizer_site/engine/weights/restorer.npz, restore_gate.npz and photo_kind.npz
(a few hundred kB).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from colorizer_site.engine.photo_kind import KINDS as PHOTO_KINDS
from colorizer_site.engine.photo_stats import (
    QUANTILES,
    channel_quantiles,
    features,
    restorer_features,
)
from training import fading
from training.cache import decode_lab
from training.color import lab_to_rgb
from training.data import VALIDATION_PHOTOS, load_cache
from training.small_nets import (
    fit_classifier,
    fit_network,
    forward,
    mean_squared_error,
    save_weights,
    standardizer,
)

WEIGHTS = Path(__file__).resolve().parents[1] / "colorizer_site" / "engine" / "weights"
RUNS = Path(__file__).resolve().parent / "runs"
CONDITIONS = ("none", *fading.KINDS, "mixed")
CONDITION_SHARE = (0.2, 0.14, 0.14, 0.14, 0.14, 0.24)
HIDDEN = 384
# The share of the restorer's pairs that are tiles of a photo rather than the whole.
TILE_PAIRS = 0.4


def clean_rgb(packed: np.ndarray) -> np.ndarray:
    """float32 sRGB 0..1 [H, W, 3] of one cache row."""
    lab = decode_lab(packed).transpose(1, 2, 0)
    return lab_to_rgb(lab) / 255.0


def faded_version(rgb: np.ndarray, condition: str, rng: np.random.Generator) -> np.ndarray:
    if condition == "none":
        out = rgb
    elif condition == "mixed":
        out = fading.fade_mixed(rgb, rng)
    else:
        out = fading.fade(rgb, condition, rng)
    return fading.scan_nuisances(out, rng)


def mean_chroma(rgb: np.ndarray) -> float:
    lab = cv2.cvtColor(np.ascontiguousarray(rgb, np.float32), cv2.COLOR_RGB2Lab)
    return float(np.hypot(lab[..., 1], lab[..., 2]).mean())


def restorer_targets(clean: np.ndarray, faded: np.ndarray) -> np.ndarray:
    """Offsets of the clean quantiles from the faded ones [3K], then the log chroma gain."""
    faded_q, clean_q = channel_quantiles(faded), channel_quantiles(clean)
    curved = np.empty_like(faded)
    for channel in range(3):
        xs = np.maximum.accumulate(faded_q[channel]) + np.arange(len(QUANTILES)) * 1e-4
        curved[..., channel] = np.interp(faded[..., channel], xs, clean_q[channel])
    gain = mean_chroma(clean) / max(mean_chroma(curved), 1e-3)
    return np.concatenate([(clean_q - faded_q).ravel(), [np.log(np.clip(gain, 0.5, 2.0))]])


def tile_of(clean: np.ndarray, faded: np.ndarray, rng: np.random.Generator):
    """A random tile of the pair as restore mode cuts them (two thirds of each side), or
    the whole pair: the restorer reads both (engine/restoration.py)."""
    if rng.random() >= TILE_PAIRS:
        return clean, faded
    height, width = clean.shape[:2]
    tile_h, tile_w = round(height * 2 / 3), round(width * 2 / 3)
    top, left = rng.integers(0, height - tile_h + 1), rng.integers(0, width - tile_w + 1)
    window = (slice(top, top + tile_h), slice(left, left + tile_w))
    return clean[window], faded[window]


def make_pairs(cache: np.ndarray, indices: np.ndarray, rng: np.random.Generator) -> dict:
    inputs, targets, conditions = [], [], []
    for number, index in enumerate(indices):
        whole = clean_rgb(cache[index])
        condition = str(rng.choice(CONDITIONS, p=CONDITION_SHARE))
        clean, faded = tile_of(whole, faded_version(whole, condition, rng), rng)
        inputs.append(restorer_features(faded))
        targets.append(restorer_targets(clean, faded))
        conditions.append(condition)
        if number % 2000 == 0:
            print(f"  {number}/{len(indices)} photos", flush=True)
    return {
        "inputs": np.array(inputs, np.float32),
        "targets": np.array(targets, np.float32),
        "conditions": np.array(conditions),
    }


def aged(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Half the monochrome prints with lifted blacks and dull whites, as old prints come."""
    if rng.random() < 0.5:
        return rgb
    return fading.overall(rgb, rng.uniform(0.03, 0.22), rng.uniform(0.8, 1.0), 0.0)


def make_detector_set(cache: np.ndarray, indices: np.ndarray, rng: np.random.Generator) -> dict:
    """Each photo four ways: as it is, faded, black and white, toned; all with scan nuisances."""
    inputs, kinds = [], []
    for number, index in enumerate(indices):
        clean = clean_rgb(cache[index])
        condition = str(rng.choice(CONDITIONS[1:], p=np.array(CONDITION_SHARE[1:]) / 0.8))
        renders = {
            "colour": clean,
            "faded": faded_version(clean, condition, rng),
            "bw": aged(fading.gray(clean, rng), rng),
            "toned": aged(fading.toned(clean, str(rng.choice(fading.TONES)), rng), rng),
        }
        for kind, rgb in renders.items():
            inputs.append(features(fading.scan_nuisances(rgb, rng) if kind != "faded" else rgb))
            kinds.append(PHOTO_KINDS.index(kind))
        if number % 2000 == 0:
            print(f"  {number}/{len(indices)} photos (detector)", flush=True)
    return {"kind_inputs": np.array(inputs, np.float32), "kinds": np.array(kinds)}


def fit_restorer(
    train: dict, valid: dict, rng: np.random.Generator, epochs: int, hidden: int = HIDDEN
) -> dict:
    x_mean, x_scale = standardizer(train["inputs"])
    y_mean, y_scale = standardizer(train["targets"])
    xv = (valid["inputs"] - x_mean) / x_scale
    yv = (valid["targets"] - y_mean) / y_scale

    def report(epoch: int, params: dict) -> None:
        held_out, _ = mean_squared_error(forward(params, xv), yv)
        print(f"  restorer epoch {epoch}: held-out MSE {held_out:.4f} (standardized)", flush=True)

    x = (train["inputs"] - x_mean) / x_scale
    y = (train["targets"] - y_mean) / y_scale
    params = fit_network(x, y, mean_squared_error, hidden, epochs, rng, report)
    return {
        "feature_mean": x_mean,
        "feature_scale": x_scale,
        "output_mean": y_mean,
        "output_scale": y_scale,
        **params,
    }


def fit_detector(train: dict, valid: dict, rng: np.random.Generator, epochs: int = 40) -> dict:
    """The photo-kind detector: the four kinds from the 77 features."""
    held_out = (valid["kind_inputs"], valid["kinds"])
    return fit_classifier(train["kind_inputs"], train["kinds"], held_out, rng, epochs, "detector")


def faded_classes(pairs: dict) -> np.ndarray:
    """1 for a pair whose photo was faded, 0 for one left as it was (the gate's classes)."""
    return (pairs["conditions"] != "none").astype(np.int64)


def fit_gate(train: dict, valid: dict, rng: np.random.Generator, epochs: int = 30) -> dict:
    """Restore's gate: faded or not, from the restorer's own 95 features and pairs."""
    held_out = (valid["inputs"], faded_classes(valid))
    return fit_classifier(train["inputs"], faded_classes(train), held_out, rng, epochs, "gate")


def cached(
    path: Path,
    reuse: bool,
    make: Callable[[np.ndarray, np.ndarray, np.random.Generator], dict],
    cache: np.ndarray,
    indices: np.ndarray,
    seed: np.random.Generator | int | list[int],
) -> dict:
    """The set `make(cache, indices, rng)` stored at `path`: read back when `reuse` finds
    it, else made and stored. `seed` is a Generator, or what starts one (an int or a list)."""
    if reuse and path.exists():
        with np.load(path) as stored:
            return {name: stored[name] for name in stored.files}
    made = make(cache, indices, np.random.default_rng(seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **made)
    return made


def _variant(path: Path, reuse: bool, indices: np.ndarray, seed: list[int]) -> dict:
    # Each process maps the cache itself: a memory map would be pickled as a full copy.
    cv2.setNumThreads(1)
    return cached(path, reuse, make_pairs, load_cache(), indices, seed)


def variant_sets(reuse: bool, indices: np.ndarray, seed: int, variants: int) -> dict:
    """The training pairs: every photo faded `variants` times, each time with its own
    seed, the variants made side by side (a process per core) and joined."""
    paths = [RUNS / f"restorer_pairs_{variant}.npz" for variant in range(variants)]
    with ProcessPoolExecutor(max_workers=min(variants, os.cpu_count() or 1)) as pool:
        futures = [
            pool.submit(_variant, path, reuse, indices, [seed, variant])
            for variant, path in enumerate(paths)
        ]
        sets = [future.result() for future in futures]
    return {name: np.concatenate([made[name] for made in sets]) for name in sets[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=33000)
    parser.add_argument("--variants", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--detector-photos", type=int, default=1500)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=("both", "restorer", "detector"), default="both")
    parser.add_argument(
        "--reuse", action="store_true", help="refit on the sets stored in training/runs/"
    )
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    cache = load_cache()
    started = time.monotonic()
    training_count = len(cache) - VALIDATION_PHOTOS
    held_out = np.arange(training_count, len(cache))
    args.out.mkdir(parents=True, exist_ok=True)
    record = {"seed": args.seed, "hidden": args.hidden}
    if args.only in ("both", "restorer"):
        rng = np.random.default_rng(args.seed)
        chosen = rng.choice(training_count, size=min(args.photos, training_count), replace=False)
        print(f"restorer: {len(chosen)} training photos, {args.variants} fadings each")
        train = variant_sets(args.reuse, chosen, args.seed, args.variants)
        valid = cached(RUNS / "restorer_valid.npz", args.reuse, make_pairs, cache, held_out, 1)
        weights = fit_restorer(train, valid, rng, args.epochs, args.hidden)
        save_weights(args.out / "restorer.npz", weights)
        save_weights(args.out / "restore_gate.npz", fit_gate(train, valid, rng))
        record.update(photos=len(chosen), variants=args.variants, epochs=args.epochs)
    if args.only in ("both", "detector"):
        rng = np.random.default_rng(args.seed + 10)
        chosen = rng.choice(training_count, size=args.detector_photos, replace=False)
        print(f"detector: {len(chosen)} photos, four renderings each")
        train = cached(
            RUNS / "photo_kind_set.npz", args.reuse, make_detector_set, cache, chosen, rng
        )
        valid = cached(
            RUNS / "photo_kind_valid.npz", args.reuse, make_detector_set, cache, held_out, 2
        )
        save_weights(args.out / "photo_kind.npz", fit_detector(train, valid, rng))
        record.update(detector_photos=len(chosen))
    (Path(__file__).parent / "logs").mkdir(exist_ok=True)
    log = Path(__file__).parent / "logs" / "restorer.json"
    previous = json.loads(log.read_text()) if log.exists() else {}
    log.write_text(json.dumps({**previous, **record}, indent=2))
    print(f"done in {time.monotonic() - started:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
