"""Restore mode measured: dev_eval faded by each fading kind, restored four ways.

    python -m training.evaluate_restorer [--photos 300] [--datasets ../shared/datasets]

For every dev_eval photo (never seen in training) and every kind of training/fading.py,
a faded copy (fixed seed per photo and kind, with scan nuisances) is compared by
CIEDE2000 to the unfaded photo: as it is, after per-channel auto-levels, after
gray-world balance, and after the engine's restore (the same call the product makes,
detector included). Photos in good condition are also restored as they are, to show
how little restore changes them. Prints the table, writes training/runs/restorer_eval.json
and a sheet of ten before/after pairs, training/runs/restorer_sheet.png.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage.color import deltaE_ciede2000, rgb2lab

from colorizer_site.engine.color import lightness_of_rgb
from colorizer_site.engine.restoration import restore
from training import fading
from training.cache import DATASETS
from training.sheets import comparison_sheet

RUNS = Path(__file__).resolve().parent / "runs"
# Auto-levels clips this share of each channel's pixels at either end, as photo editors do.
AUTO_LEVELS_CLIP = 0.005


def auto_levels(rgb: np.ndarray) -> np.ndarray:
    """Per-channel stretch of the 0.5 % .. 99.5 % range to 0 .. 255: the floor to beat."""
    out = np.empty_like(rgb)
    for channel in range(3):
        low, high = np.quantile(rgb[..., channel], [AUTO_LEVELS_CLIP, 1 - AUTO_LEVELS_CLIP])
        scale = 255.0 / max(float(high - low), 1.0)
        out[..., channel] = np.clip((rgb[..., channel] - low) * scale, 0, 255)
    return out


def gray_world(rgb: np.ndarray) -> np.ndarray:
    """Each channel scaled so that the three means agree (the classic white balance)."""
    values = rgb.astype(np.float32)
    means = values.reshape(-1, 3).mean(axis=0)
    return np.clip(values * (means.mean() / np.maximum(means, 1.0)), 0, 255).astype(np.uint8)


def engine_restore(rgb: np.ndarray) -> np.ndarray:
    restored = restore(rgb, lightness_of_rgb(rgb))
    return restored.rgb


def delta_e(output: np.ndarray, truth_lab: np.ndarray) -> float:
    return float(deltaE_ciede2000(rgb2lab(output), truth_lab).mean())


def to_uint8(rgb: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)


METHODS = {
    "faded input": lambda rgb: rgb,
    "auto-levels": auto_levels,
    "gray-world": gray_world,
    "restore": engine_restore,
}


def evaluate(photos: list[Path]) -> tuple[dict, list[list[np.ndarray]], list[str]]:
    scores: dict[str, dict[str, list[float]]] = {
        kind: {m: [] for m in METHODS} for kind in fading.KINDS
    }
    untouched: list[float] = []
    sheet_rows, sheet_titles = [], []
    for number, path in enumerate(photos):
        clean = np.asarray(Image.open(path).convert("RGB"))
        truth_lab = rgb2lab(clean)
        untouched.append(delta_e(engine_restore(clean), truth_lab))
        for kind_number, kind in enumerate(fading.KINDS):
            rng = np.random.default_rng([number, kind_number])
            faded = fading.scan_nuisances(fading.fade(clean / 255.0, kind, rng), rng)
            faded8 = to_uint8(faded)
            outputs = {name: method(faded8) for name, method in METHODS.items()}
            for name, output in outputs.items():
                scores[kind][name].append(delta_e(output, truth_lab))
            # Ten pairs for the sheet: the first photos, taking the kinds in turn.
            if number % 4 == 0 and len(sheet_rows) < 10 and kind_number == (number // 4) % 4:
                small = [
                    cv2.resize(im, (192, 192), interpolation=cv2.INTER_AREA)
                    for im in (faded8, outputs["restore"], clean)
                ]
                sheet_rows.append(small)
                sheet_titles.append(kind)
        if number % 50 == 0:
            print(f"  {number}/{len(photos)}", flush=True)
    table = {
        kind: {name: float(np.mean(values)) for name, values in methods.items()}
        for kind, methods in scores.items()
    }
    table["average"] = {
        name: float(np.mean([table[kind][name] for kind in fading.KINDS])) for name in METHODS
    }
    table["good condition (restore vs its input)"] = {"restore": float(np.mean(untouched))}
    return table, sheet_rows, sheet_titles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--photos", type=int, default=300)
    args = parser.parse_args()
    cv2.setNumThreads(1)
    photos = sorted((args.datasets / "dev_eval").glob("*.jpg"))[: args.photos]
    table, rows, titles = evaluate(photos)
    print(
        f"\nCIEDE2000 to the unfaded photo, mean over {len(photos)} dev_eval photos "
        "(lower is better)"
    )
    print(f"{'fading kind':<16}" + "".join(f"{name:>14}" for name in METHODS))
    for kind, values in table.items():
        print(
            f"{kind[:16]:<16}"
            + "".join(f"{values.get(name, float('nan')):>14.2f}" for name in METHODS)
        )
    RUNS.mkdir(exist_ok=True)
    (RUNS / "restorer_eval.json").write_text(json.dumps(table, indent=2))
    comparison_sheet(rows, ["faded", "restored", "original"], RUNS / "restorer_sheet.png", cell=192)
    print(f"sheet: {RUNS / 'restorer_sheet.png'} (faded, restored, original; kinds: {titles})")


if __name__ == "__main__":
    main()
