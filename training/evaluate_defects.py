"""Scratch repair measured: the shipped network against the old morphological detector.

    python -m training.evaluate_defects [--limit N] [--sheets]

The held-out set is dev_eval (never trained on): each photo is aged and gets one
kind of damage in turn, drawn with a fixed seed, with its exact label and the
undamaged twin (same aging and grain) as the reference. For each detector and
kind: pixel precision (against the label grown by a pixel, since both detectors
grow their masks over soft edges; pixels the damage moved too little to be sure
of under the grain count neither way), recall, and the mean L* error of the repaired
photo against the reference on damaged pixels and on all other pixels, beside the
error of doing nothing. On the same photos undamaged: the share of pixels each
detector touches. With --sheets, before/after pictures of the bw_samples go to
training/runs/defects/.
"""

import argparse
import functools
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from colorizer_site.engine import scratches
from training import morphological
from training.cache import DATASETS
from training.defects import KINDS, UNSURE, damage_with_reference

RUNS = Path(__file__).resolve().parent / "runs" / "defects"


def _lightness(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 2.55


def detectors(thresholds: list[float] | None = None) -> dict:
    """The shipped network (at its own threshold, or at each of `thresholds`) and the
    morphological detector it replaced."""
    found = {"morphological": morphological.scratch_mask}
    if not thresholds:
        found["network"] = scratches.defect_mask
    for threshold in thresholds or ():
        found[f"network@{threshold:g}"] = functools.partial(
            scratches.defect_mask, threshold=threshold
        )
    return found


def evaluate(
    photos: list[Path], thresholds: list[float] | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """{detector: {kind or "clean": {figure: value}}} over the held-out set."""
    rng = np.random.default_rng(7)
    sums: dict[str, dict[str, dict[str, float]]] = {}
    grow = np.ones((3, 3), np.uint8)
    for position, path in enumerate(photos):
        kind = KINDS[position % len(KINDS)]
        clean = _lightness(path)
        damaged, labels, reference = damage_with_reference(clean, rng, (kind,))
        undamaged, _, _ = damage_with_reference(clean, rng, ())
        label, unsure = (labels > 0) & (labels != UNSURE), labels == UNSURE
        other = ~label & ~unsure
        near = cv2.dilate(label.astype(np.uint8), grow) > 0
        for name, detect in [("none", None), *detectors(thresholds).items()]:
            figures = sums.setdefault(name, {})
            mask = np.zeros(label.shape, np.uint8) if detect is None else detect(damaged)
            repaired = scratches.inpaint(damaged, mask)
            error = np.abs(repaired - reference)
            row = figures.setdefault(kind, {})
            marked = mask > 0
            for key, value in {
                "marked": (marked & ~unsure).sum(),
                "marked_near": (marked & near & ~unsure).sum(),
                "labelled": label.sum(),
                "found": (marked & label).sum(),
                "error_damaged": error[label].sum(),
                "error_other": error[other].sum(),
                "other_pixels": other.sum(),
                "photos": 1,
            }.items():
                row[key] = row.get(key, 0.0) + float(value)
            if detect is not None:
                started = time.perf_counter()
                clean_mask = detect(undamaged)
                timing = time.perf_counter() - started
                clean_row = figures.setdefault("clean", {})
                clean_row["touched"] = clean_row.get("touched", 0.0) + (clean_mask > 0).mean()
                clean_row["photos"] = clean_row.get("photos", 0.0) + 1
                clean_row["seconds"] = clean_row.get("seconds", 0.0) + timing
    return {name: _ratios(rows) for name, rows in sums.items()}


def _ratios(rows: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for kind, row in rows.items():
        if kind == "clean":
            out[kind] = {
                "touched_pct": 100 * row["touched"] / row["photos"],
                "ms_per_photo": 1000 * row["seconds"] / row["photos"],
            }
            continue
        out[kind] = {
            "precision": row["marked_near"] / max(1.0, row["marked"]),
            "recall": row["found"] / max(1.0, row["labelled"]),
            "error_damaged": row["error_damaged"] / max(1.0, row["labelled"]),
            "error_other": row["error_other"] / max(1.0, row["other_pixels"]),
        }
    return out


def format_table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    lines = [
        "| detector | kind | precision | recall | L* error, damaged px | L* error, other px |",
        "|---|---|---|---|---|---|",
    ]
    for name, rows in results.items():
        for kind in KINDS:
            row = rows[kind]
            shown = "" if name == "none" else f"{row['precision']:.3f} | {row['recall']:.3f}"
            lines.append(
                f"| {name} | {kind} | {shown or ' | '} | {row['error_damaged']:.2f} | "
                f"{row['error_other']:.3f} |"
            )
    lines.append("")
    lines.append("| detector | share of an undamaged photo touched | ms per 256 px photo |")
    lines.append("|---|---|---|")
    for name, rows in results.items():
        if "clean" in rows:
            clean = rows["clean"]
            lines.append(f"| {name} | {clean['touched_pct']:.3f} % | {clean['ms_per_photo']:.0f} |")
    return "\n".join(lines)


def sheets(folder: Path, out: Path = RUNS) -> list[str]:
    """Original | network's mask in red | repaired, per bw_sample; one line each."""
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in sorted(folder.glob("*.jpg")):
        lightness = _lightness(path)
        mask = scratches.defect_mask(lightness)
        old = morphological.scratch_mask(lightness)
        repaired = scratches.inpaint(lightness, mask)
        gray = np.round(lightness * 2.55).astype(np.uint8)
        overlay = np.stack([gray] * 3, -1)
        overlay[mask > 0] = (255, 0, 0)
        after = np.round(np.clip(repaired, 0, 100) * 2.55).astype(np.uint8)
        row = np.concatenate([np.stack([gray] * 3, -1), overlay, np.stack([after] * 3, -1)], 1)
        Image.fromarray(row).save(out / f"{path.stem}.png")
        lines.append(
            f"{path.name}: network {100 * (mask > 0).mean():.2f} %, "
            f"morphological {100 * (old > 0).mean():.2f} % of pixels"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--sheets", action="store_true")
    parser.add_argument("--thresholds", nargs="+", type=float, help="try these instead")
    args = parser.parse_args(argv)
    photos = sorted((DATASETS / "dev_eval").glob("*.jpg"))[: args.limit]
    print(format_table(evaluate(photos, args.thresholds)))
    if args.sheets:
        print("\n".join(sheets(DATASETS / "bw_samples")))


if __name__ == "__main__":
    main()
