"""Calibrate each own model's confidence on held-out photos and record it in models.json.

    python -m training.calibrate                 # every own model in the weights folder
    python -m training.calibrate --models large --photos 256

The engine reads a model's raw confidence at a pixel as the probability mass its
distribution puts within CONFIDENCE_RADIUS a*b* units of the colour it shows
(engine.confidence). Here that raw figure is compared, pixel by pixel, with
whether the shown colour really was within the radius of the truth, on the
training cache's held-out "val" photos (never trained on, never dev_eval). The
mapping is monotone (pool-adjacent-violators over quantile bins of the raw
figure) and stored in the model's models.json entry as
`"calibration": {"radius", "sha256", "points": [[raw, share], ...], "photos"}`;
the sha256 is the weights file's, so a re-exported model never uses a stale
mapping (`make evaluate` refits it when it is missing or stale).
"""

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

from colorizer_site.engine.confidence import CONFIDENCE_RADIUS
from colorizer_site.engine.model_registry import bundled_models, file_sha256, predict
from colorizer_site.engine.pipeline import full_size_ab
from colorizer_site.engine.types import EngineConfig, ModelEntry

BINS = 24


def pixel_samples(
    entry: ModelEntry, labs: list[np.ndarray], raw_mapping=()
) -> tuple[np.ndarray, np.ndarray]:
    """(confidence at each pixel, 1 where the shown colour is within the radius of the truth),
    every photo's pixels in one array; `raw_mapping` () gives the raw figure."""
    from colorizer_site.engine.confidence import confidence_map

    config = EngineConfig(models={entry.name: entry}, threads=2)
    confidences, right = [], []
    for lab in labs:
        lightness = lab[..., 0]
        prediction = predict(lightness, entry, config)
        ab_grid = prediction.decode(entry.temperature)
        shown = full_size_ab(prediction, ab_grid, lightness)
        grid = confidence_map(prediction.distribution, ab_grid, raw_mapping)
        height, width = lightness.shape
        confidences.append(cv2.resize(grid, (width, height), interpolation=cv2.INTER_LINEAR))
        error = np.linalg.norm(shown - lab[..., 1:], axis=-1)
        right.append(error <= CONFIDENCE_RADIUS)
    return (
        np.concatenate([c.ravel() for c in confidences]),
        np.concatenate([r.ravel() for r in right]).astype(np.float64),
    )


def monotone_mapping(raw: np.ndarray, right: np.ndarray) -> list[list[float]]:
    """(mean raw, share right) per quantile bin, made non-decreasing by pooling violators."""
    edges = np.unique(np.quantile(raw, np.linspace(0.0, 1.0, BINS + 1)))
    which = np.clip(np.searchsorted(edges, raw, side="right") - 1, 0, len(edges) - 2)
    blocks = []  # [sum raw, sum right, count]
    for index in range(len(edges) - 1):
        chosen = which == index
        if chosen.any():
            blocks.append([raw[chosen].sum(), right[chosen].sum(), float(chosen.sum())])
            while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] > blocks[-1][1] / blocks[-1][2]:
                last = blocks.pop()
                blocks[-1] = [a + b for a, b in zip(blocks[-1], last, strict=True)]
    points = [[round(float(s / n), 4), round(float(r / n), 4)] for s, r, n in blocks]
    # Anchor the ends, so every raw figure maps inside the measured range.
    return [[0.0, points[0][1]], *points, [1.0, points[-1][1]]]


def calibrate(weights: Path, names: list[str] | None, photos: int) -> dict[str, dict]:
    from training.evaluate import held_out_photos

    _, _, labs = held_out_photos()
    labs = labs[:photos]
    manifest_path = weights / "models.json"
    manifest = json.loads(manifest_path.read_text())
    fitted = {}
    for entry in bundled_models(weights).values():
        key = entry.name.removeprefix("own-")
        if names and key not in names:
            continue
        raw, right = pixel_samples(entry, labs)
        record = {
            "radius": CONFIDENCE_RADIUS,
            "sha256": file_sha256(entry.path),
            "photos": len(labs),
            "points": monotone_mapping(raw, right),
        }
        manifest[key]["calibration"] = record
        fitted[key] = record
        print(f"{key}: {len(record['points'])} points, share right {right.mean():.3f}")
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return fitted


def stale(weights: Path) -> bool:
    """True when an own model has no calibration for its current weights file."""
    manifest = json.loads((weights / "models.json").read_text())
    for record in manifest.values():
        if not isinstance(record, dict) or "file" not in record:
            continue
        calibration = record.get("calibration") or {}
        if calibration.get("sha256") != file_sha256(weights / record["file"]):
            return True
    return False


def main(argv: list[str] | None = None) -> None:
    from training.evaluate import WEIGHTS

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--models", nargs="*", help="model keys (default: all own models)")
    parser.add_argument("--photos", type=int, default=512, help="held-out photos to use")
    parser.add_argument("--if-stale", action="store_true", help="only when missing or stale")
    args = parser.parse_args(argv)
    if args.if_stale and not stale(args.weights):
        print("calibration: up to date for the weights in", args.weights)
        return
    calibrate(args.weights, args.models, args.photos)


if __name__ == "__main__":
    main()
