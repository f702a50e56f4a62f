"""Fit restore mode's two small models on faded training photos, with numpy, in minutes.

    python -m training.train_restorer [--photos 33000] [--detector-photos 1500] [--seed 0]

1. Pairs: a cached training photo (the held-out last 512 excluded) and the same photo
   faded by one of training/fading.py's kinds (or mixed, or not at all), with scan
   nuisances. The restorer's targets are the clean photo's per-channel quantiles
   (as offsets from the faded ones) and the chroma gain that the oracle tone
   curves still leave to make up.
   Four pairs in ten are a tile of the photo (two thirds of each side), as restore
   mode also reads the tiles of a photo to follow uneven fading.
2. The restorer: one hidden layer from its feature vector to those targets (Adam, MSE
   on standardized values).
3. The photo-kind detector: softmax regression from the same features to black and
   white, toned, faded or colour, on the same photos rendered each way.

Writes colorizer_site/engine/weights/restorer.npz and photo_kind.npz (a few hundred kB).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
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

WEIGHTS = Path(__file__).resolve().parents[1] / "colorizer_site" / "engine" / "weights"
RUNS = Path(__file__).resolve().parent / "runs"
CONDITIONS = ("none", *fading.KINDS, "mixed")
CONDITION_SHARE = (0.2, 0.14, 0.14, 0.14, 0.14, 0.24)
HIDDEN = 192
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


class Adam:
    def __init__(self, params: dict[str, np.ndarray], rate: float) -> None:
        self.params, self.rate, self.step = params, rate, 0
        self.first = {k: np.zeros_like(v) for k, v in params.items()}
        self.second = {k: np.zeros_like(v) for k, v in params.items()}

    def update(self, grads: dict[str, np.ndarray]) -> None:
        self.step += 1
        for name, grad in grads.items():
            self.first[name] = 0.9 * self.first[name] + 0.1 * grad
            self.second[name] = 0.999 * self.second[name] + 0.001 * grad**2
            first = self.first[name] / (1 - 0.9**self.step)
            second = self.second[name] / (1 - 0.999**self.step)
            self.params[name] -= self.rate * first / (np.sqrt(second) + 1e-8)


def standardizer(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values.mean(axis=0), np.maximum(values.std(axis=0), 1e-4)


def mean_squared_error(outputs: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    error = outputs - targets
    return float((error**2).mean()), 2 * error / error.size


def cross_entropy(logits: np.ndarray, classes: np.ndarray) -> tuple[float, np.ndarray]:
    logits = logits - logits.max(axis=1, keepdims=True)
    probability = np.exp(logits)
    probability /= probability.sum(axis=1, keepdims=True)
    picked = probability[np.arange(len(classes)), classes]
    gradient = probability.copy()
    gradient[np.arange(len(classes)), classes] -= 1.0
    return float(-np.log(np.maximum(picked, 1e-12)).mean()), gradient / len(classes)


def fit_network(
    x: np.ndarray,
    y: np.ndarray,
    loss,
    hidden: int,
    epochs: int,
    rng: np.random.Generator,
    report,
) -> dict:
    """One tanh hidden layer from x to y, fitted with Adam on `loss` (mean squared error
    or cross-entropy: value and gradient); `report(params)` prints held-out figures."""
    features_count = x.shape[1]
    outputs = y.shape[1] if y.ndim == 2 else int(y.max()) + 1
    params = {
        "hidden_weights": rng.normal(0, 1 / np.sqrt(features_count), (features_count, hidden)),
        "hidden_bias": np.zeros(hidden),
        "output_weights": rng.normal(0, 0.1 / np.sqrt(hidden), (hidden, outputs)),
        "output_bias": np.zeros(outputs),
    }
    optimizer = Adam(params, 2e-3)
    for epoch in range(epochs):
        if epoch == int(epochs * 0.7):
            optimizer.rate /= 5
        order = rng.permutation(len(x))
        for start in range(0, len(x), 256):
            batch = order[start : start + 256]
            hidden_out = np.tanh(x[batch] @ params["hidden_weights"] + params["hidden_bias"])
            _, d_out = loss(hidden_out @ params["output_weights"] + params["output_bias"], y[batch])
            d_hidden = (d_out @ params["output_weights"].T) * (1 - hidden_out**2)
            optimizer.update(
                {
                    "output_weights": hidden_out.T @ d_out + 1e-4 * params["output_weights"],
                    "output_bias": d_out.sum(axis=0),
                    "hidden_weights": x[batch].T @ d_hidden + 1e-4 * params["hidden_weights"],
                    "hidden_bias": d_hidden.sum(axis=0),
                }
            )
        if epoch % 10 == 0 or epoch == epochs - 1:
            report(epoch, params)
    return params


def forward(params: dict, x: np.ndarray) -> np.ndarray:
    hidden = np.tanh(x @ params["hidden_weights"] + params["hidden_bias"])
    return hidden @ params["output_weights"] + params["output_bias"]


def fit_restorer(train: dict, valid: dict, rng: np.random.Generator, epochs: int) -> dict:
    x_mean, x_scale = standardizer(train["inputs"])
    y_mean, y_scale = standardizer(train["targets"])
    xv = (valid["inputs"] - x_mean) / x_scale
    yv = (valid["targets"] - y_mean) / y_scale

    def report(epoch: int, params: dict) -> None:
        held_out, _ = mean_squared_error(forward(params, xv), yv)
        print(f"  restorer epoch {epoch}: held-out MSE {held_out:.4f} (standardized)", flush=True)

    x = (train["inputs"] - x_mean) / x_scale
    y = (train["targets"] - y_mean) / y_scale
    params = fit_network(x, y, mean_squared_error, HIDDEN, epochs, rng, report)
    return {
        "feature_mean": x_mean,
        "feature_scale": x_scale,
        "output_mean": y_mean,
        "output_scale": y_scale,
        **params,
    }


def fit_detector(train: dict, valid: dict, rng: np.random.Generator, epochs: int = 40) -> dict:
    """One hidden layer and a softmax, trained with cross-entropy (Adam)."""
    x_mean, x_scale = standardizer(train["kind_inputs"])
    xv = (valid["kind_inputs"] - x_mean) / x_scale

    def report(epoch: int, params: dict) -> None:
        accuracy = (np.argmax(forward(params, xv), axis=1) == valid["kinds"]).mean()
        print(f"  detector epoch {epoch}: held-out accuracy {accuracy:.3f}", flush=True)

    x = (train["kind_inputs"] - x_mean) / x_scale
    params = fit_network(x, train["kinds"], cross_entropy, 64, epochs, rng, report)
    classes = len(PHOTO_KINDS)
    return {
        "feature_mean": x_mean,
        "feature_scale": x_scale,
        "output_mean": np.zeros(classes),
        "output_scale": np.ones(classes),
        **params,
    }


def cached(
    path: Path,
    reuse: bool,
    make: Callable[[np.ndarray, np.ndarray, np.random.Generator], dict],
    cache: np.ndarray,
    indices: np.ndarray,
    seed: np.random.Generator | int,
) -> dict:
    """The set `make(cache, indices, rng)` stored at `path`: read back when `reuse` finds
    it, else made and stored. `seed` is a Generator or an int to start one from."""
    if reuse and path.exists():
        with np.load(path) as stored:
            return {name: stored[name] for name in stored.files}
    made = make(cache, indices, np.random.default_rng(seed))
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **made)
    return made


def save_weights(path: Path, weights: dict[str, np.ndarray]) -> None:
    np.savez(path, **{name: value.astype(np.float32) for name, value in weights.items()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", type=int, default=33000)
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
    record = {"seed": args.seed, "hidden": HIDDEN}
    if args.only in ("both", "restorer"):
        rng = np.random.default_rng(args.seed)
        chosen = rng.choice(training_count, size=min(args.photos, training_count), replace=False)
        print(f"restorer: {len(chosen)} training pairs")
        train = cached(RUNS / "restorer_pairs.npz", args.reuse, make_pairs, cache, chosen, rng)
        valid = cached(RUNS / "restorer_valid.npz", args.reuse, make_pairs, cache, held_out, 1)
        save_weights(args.out / "restorer.npz", fit_restorer(train, valid, rng, args.epochs))
        record.update(photos=len(chosen), epochs=args.epochs)
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
