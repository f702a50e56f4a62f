"""Measure colorizers on dev_eval the way the product runs them, beside baselines and v1.

    python -m training.evaluate                       # shipped tiny + large, v1 rows, sheets
    python -m training.evaluate --checkpoint training/checkpoints/tiny/min030.pt
    python -m training.evaluate --run-sizes 128 160 256 --temperatures 0.3 0.5
    python -m training.evaluate --dev val --temperatures 0.2 0.3 0.4 0.6   # tune T off dev_eval

Every model runs through the engine itself (`engine.model_registry.predict`, the same
decoding and upsampling as a job), so the figures are the product's. Each run
also measures "gray" and "mean colour", and the v1 models of the previous
release (read from git history, never shipped again) as rows to beat. Beside the
metrics of docs/models/colorizer.md it reports:

- portraits: rebalanced AuC on dev_eval's people photos (ccp, humanseg, facemask);
- cast: how much of an output's colour is one photo-wide tint, |mean ab| / mean
  chroma, averaged over photos, next to the same figure for the true colours
  (a sepia wash scores near 1; real photos about 0.3 to 0.5);
- hints: rebalanced AuC with 1, 3, 10 and 30 pins taken from the true colours;
- plain spread: the a*b* spread inside plain regions (training/plain_regions.py), next
  to the true photos' figure, on dev_eval and bw_samples; the "unpooled" rows decode
  the network's own distribution, as v2 shipped, before the engine's pooling;
- confidence, spill and suggested pins (training/evaluate_colour.py, with --colour).
"""

import argparse
import csv
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from colorizer_site.engine.hints import apply_pins
from colorizer_site.engine.model_registry import Prediction, bundled_models, predict, takes_hints
from colorizer_site.engine.pipeline import colour_field, full_size_ab
from colorizer_site.engine.types import ColourHint, EngineConfig, ModelEntry
from training.cache import CACHE_DIR, DATASETS
from training.color import rgb_to_lab
from training.evaluate_models import exported_checkpoint, v1_entries
from training.metrics import SetMetrics, cast_share, cell_prior_of, compose_rgb
from training.plain_regions import plain_spread

REPO = Path(__file__).resolve().parents[1]
WEIGHTS = REPO / "colorizer_site" / "engine" / "weights"
SHEETS = Path(__file__).resolve().parent / "runs" / "evaluation"
SHEET_PHOTOS = 24
PORTRAIT_SOURCES = ("ccp", "humanseg", "facemask")
HINT_COUNTS = (1, 3, 10, 30)


class Method:
    """A model entry with the decoding a row uses (temperature None: the entry's own).

    `pooled` False decodes the network's own distribution (before engine.pooling);
    `spread` False leaves pins to the network and their own spot (before engine.pins).
    """

    def __init__(
        self,
        entry: ModelEntry,
        temperature: float | None = None,
        *,
        pooled: bool = True,
        spread: bool = True,
    ) -> None:
        self.entry = entry
        self.temperature = temperature if temperature is not None else entry.temperature
        self.config = EngineConfig(models={entry.name: entry}, threads=2)
        self.pooled, self.spread = pooled, spread

    def predict(self, lightness: np.ndarray, hints: tuple[ColourHint, ...] = ()) -> Prediction:
        """The model's prediction, shared by rows that differ only after the network."""
        key = (str(self.entry.path), self.entry.input_size, id(lightness), hints)
        if _last_prediction.get("key") != key:
            prediction = predict(lightness, self.entry, self.config, hints)
            # The array is kept so that its id cannot be reused while the key lives.
            _last_prediction.update(key=key, value=prediction, array=lightness)
        prediction = _last_prediction["value"]
        if not self.pooled and prediction.unpooled is not None:
            # As v2 shipped: the network's own distribution, no calm surfaces.
            prediction = replace(prediction, distribution=prediction.unpooled, surfaces=None)
        return prediction

    def finish(
        self,
        prediction: Prediction,
        ab_grid: np.ndarray,
        lightness: np.ndarray,
        hints: tuple[ColourHint, ...] = (),
    ) -> np.ndarray:
        if self.spread:
            return full_size_ab(prediction, ab_grid, lightness, hints)
        return apply_pins(colour_field(prediction, ab_grid, lightness).whole(), lightness, hints)

    def ab(self, lightness: np.ndarray, hints: tuple[ColourHint, ...] = ()) -> np.ndarray:
        """L [H, W] -> ab [H, W, 2] at the photo's size, exactly as a job computes it."""
        prediction = self.predict(lightness, hints)
        return self.finish(prediction, prediction.decode(self.temperature), lightness, hints)


_last_prediction: dict[str, object] = {}


def load_photos(folder: Path) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    paths = sorted(folder.glob("*.jpg"))
    if not paths:
        raise SystemExit(f"no photos under {folder}")
    rgbs = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
    return [p.name for p in paths], rgbs, [rgb_to_lab(rgb) for rgb in rgbs]


def held_out_photos(cache_dir: Path = CACHE_DIR) -> tuple[list[str], list, list]:
    """The training cache's held-out photos (128 px), for tuning without touching dev_eval."""
    from training.cache import decode_lab
    from training.color import lab_to_rgb
    from training.data import load_cache, split_indices

    photos = load_cache(cache_dir)
    _, val_idx = split_indices(len(photos))
    rgbs = [
        np.rint(lab_to_rgb(decode_lab(photos[i]).transpose(1, 2, 0))).astype(np.uint8)
        for i in val_idx
    ]
    return [f"val-{i}" for i in val_idx], rgbs, [rgb_to_lab(rgb) for rgb in rgbs]


def portrait_names(dev: Path) -> set[str]:
    index = dev / "_index.tsv"
    if not index.exists():
        return set()
    with index.open(newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["name"] for row in rows if row["source"] in PORTRAIT_SOURCES}


def training_mean_ab(cache_dir: Path = CACHE_DIR) -> np.ndarray:
    """Mean (a, b) over the training photos' pixels (every 4th row and column)."""
    from training.data import load_cache, split_indices

    photos = load_cache(cache_dir)
    train_idx, _ = split_indices(len(photos))
    total = np.zeros(2)
    for start in range(0, len(train_idx), 2048):
        chunk = photos[train_idx[start : start + 2048], 1:, ::4, ::4].astype(np.float64)
        total += chunk.mean(axis=(2, 3)).sum(axis=0)
    return (total / len(train_idx) - 128.0).astype(np.float32)


def truth_hints(rgb: np.ndarray, count: int, seed: int) -> tuple[ColourHint, ...]:
    """`count` pins at random points with the true colour there (3x3 mean), as a user would."""
    rng = np.random.default_rng(seed)
    height, width = rgb.shape[:2]
    hints = []
    for _ in range(count):
        y, x = int(rng.integers(1, height - 1)), int(rng.integers(1, width - 1))
        mean = rgb[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0)
        colour = "#" + "".join(f"{round(v):02x}" for v in mean)
        hints.append(ColourHint(x=float(x), y=float(y), color=colour))
    return tuple(hints)


def evaluate(
    methods: dict[str, Method],
    dev: Path,
    mean_ab: np.ndarray,
    *,
    hint_counts: tuple[int, ...] = (),
    sheets: Path | None = None,
) -> dict[str, dict[str, float]]:
    names, rgbs, labs = held_out_photos() if dev.name == "val" else load_photos(dev)
    prior = cell_prior_of(labs)
    portraits = portrait_names(dev)
    rows = ["gray", "mean colour", *methods]
    results = {label: SetMetrics(prior) for label in rows}
    portrait_results = {label: SetMetrics(prior) for label in rows}
    casts: dict[str, list[float]] = {label: [] for label in ["truth", *methods]}
    spreads: dict[str, list[float]] = {label: [] for label in ["truth", *rows]}
    hinted = {
        (label, count): SetMetrics(prior)
        for label, method in methods.items()
        if takes_hints(method.entry, method.config) and method.pooled
        for count in hint_counts
    }
    sheet_every = max(1, len(names) // SHEET_PHOTOS)
    sheet_rows: list[list[np.ndarray]] = []
    for index, (name, rgb, lab) in enumerate(zip(names, rgbs, labs, strict=True)):
        gray_ab = np.zeros((*lab.shape[:2], 2), dtype=np.float32)
        outputs = {"gray": gray_ab, "mean colour": gray_ab + mean_ab}
        outputs |= {label: method.ab(lab[..., 0]) for label, method in methods.items()}
        casts["truth"].append(cast_share(lab[..., 1:]))
        spreads["truth"].append(plain_spread(lab[..., 0], lab[..., 1:]))
        for label, ab in outputs.items():
            spreads[label].append(plain_spread(lab[..., 0], ab))
            results[label].add(rgb, lab, ab)
            if name in portraits:
                portrait_results[label].add(rgb, lab, ab)
            if label in casts:
                casts[label].append(cast_share(ab))
        for (label, count), metrics in hinted.items():
            hints = truth_hints(rgb, count, seed=index)
            metrics.add(rgb, lab, methods[label].ab(lab[..., 0], hints))
        if index % sheet_every == 0 and len(sheet_rows) < SHEET_PHOTOS:
            sheet_rows.append([rgb, *(compose_rgb(lab[..., :1], ab) for ab in outputs.values())])
    summary = {label: metrics.summary() for label, metrics in results.items()}
    for label in rows:
        if portraits:
            summary[label]["portrait_rebalanced_auc"] = portrait_results[label].summary()[
                "rebalanced_auc"
            ]
        if label in casts:
            summary[label]["cast"] = float(np.mean(casts[label]))
        summary[label]["plain_spread"] = float(np.nanmean(spreads[label]))
    summary["truth"] = {
        "cast": float(np.mean(casts["truth"])),
        "plain_spread": float(np.nanmean(spreads["truth"])),
    }
    for (label, count), metrics in hinted.items():
        summary[label][f"hints_{count}_rebalanced_auc"] = metrics.summary()["rebalanced_auc"]
    if sheets is not None:
        from training.sheets import comparison_sheet

        target = sheets / f"{dev.name}_sheet.png"
        print(f"sheet: {comparison_sheet(sheet_rows, ['truth', *outputs], target)}")
    return summary


def bw_samples(
    methods: dict[str, Method], folder: Path, sheets: Path | None
) -> dict[str, dict[str, float]]:
    """Colorize the genuine old photos; each method's mean cast share and plain spread."""
    rows, casts = [], {label: [] for label in methods}
    spreads: dict[str, list[float]] = {label: [] for label in methods}
    for path in sorted(folder.glob("*.jpg")):
        lab = rgb_to_lab(np.asarray(Image.open(path).convert("RGB")))
        lab[..., 1:] = 0  # old prints carry a tint; the engine colorizes their L only
        row = [compose_rgb(lab[..., :1], lab[..., 1:])]
        for label, method in methods.items():
            ab = method.ab(lab[..., 0])
            casts[label].append(cast_share(ab))
            spreads[label].append(plain_spread(lab[..., 0], ab))
            row.append(compose_rgb(lab[..., :1], ab))
        rows.append(row)
    if sheets is not None:
        from training.sheets import gallery_sheet

        target = sheets / "bw_samples_sheet.png"
        print(f"sheet: {gallery_sheet(rows, ['input L', *methods], target)}")
    return {
        label: {
            "bw_cast": float(np.mean(casts[label])),
            "bw_plain_spread": float(np.nanmean(spreads[label])),
        }
        for label in methods
    }


def format_table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| method | PSNR | AuC | rebalanced AuC | colourfulness | portraits reb. AuC | cast "
        "| plain spread |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, m in results.items():
        spread = f"{m['plain_spread']:.2f}" if "plain_spread" in m else ""
        if "psnr" not in m:
            lines.append(f"| {label} | | | | | | {m['cast']:.3f} | {spread} |")
            continue
        cast = f"{m['cast']:.3f}" if "cast" in m else ""
        portrait = f"{m['portrait_rebalanced_auc']:.2f}" if "portrait_rebalanced_auc" in m else ""
        lines.append(
            f"| {label} | {m['psnr']:.2f} | {m['auc']:.2f} | {m['rebalanced_auc']:.2f} | "
            f"{m['colourfulness_ratio']:.3f} | {portrait} | {cast} | {spread} |"
        )
    hint_rows = [
        f"| {label} | {m['rebalanced_auc']:.2f} | "
        + " | ".join(f"{m.get(f'hints_{n}_rebalanced_auc', float('nan')):.2f}" for n in HINT_COUNTS)
        + " |"
        for label, m in results.items()
        if any(key.startswith("hints_") for key in m)
    ]
    if hint_rows:
        lines += [
            "",
            "| method | no hints | " + " | ".join(f"{n} hints" for n in HINT_COUNTS) + " |",
        ]
        lines += ["|---|---|" + "---|" * len(HINT_COUNTS), *hint_rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--models", nargs="*", help="shipped model names (default: all)")
    parser.add_argument("--checkpoint", type=Path, action="append", default=[])
    parser.add_argument("--temperatures", type=float, nargs="*", help="decode at these T")
    parser.add_argument("--run-sizes", type=int, nargs="*", help="override the run size")
    parser.add_argument("--no-v1", action="store_true", help="leave out the v1 rows")
    parser.add_argument("--hints", action="store_true", help="also measure 1/3/10/30 true pins")
    parser.add_argument(
        "--dev", type=Path, default=DATASETS / "dev_eval", help='a folder, or "val" for held-out'
    )
    parser.add_argument("--bw", type=Path, default=DATASETS / "bw_samples")
    parser.add_argument("--sheets", type=Path, default=SHEETS)
    parser.add_argument("--no-sheets", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--colour", action="store_true", help="confidence, spill, suggestions")
    parser.add_argument("--colour-step", type=int, default=1, help="every n-th photo for those")
    args = parser.parse_args(argv)

    temporary = tempfile.TemporaryDirectory()
    entries: dict[str, ModelEntry] = {}
    if not args.no_v1 and not args.checkpoint:
        entries |= v1_entries()
    if not args.checkpoint or args.models:
        for entry in bundled_models(args.weights).values():
            if not args.models or entry.name[4:] in args.models:
                entries[entry.name[4:]] = entry
    for path in args.checkpoint:
        entry = exported_checkpoint(path, Path(temporary.name))
        entries[entry.name] = entry
    methods: dict[str, Method] = {}
    for label, entry in entries.items():
        # v1 rows are the previous release as it shipped: no pooling, no spread pins.
        now = not label.startswith("v1 ")
        for run_size in args.run_sizes or [entry.input_size]:
            sized = replace(entry, input_size=run_size)
            size_label = f" @{run_size}" if args.run_sizes else ""
            guided = entry.temperature is not None and args.temperatures
            for temperature in args.temperatures if guided else [None]:
                t_label = f" T={temperature}" if guided else ""
                methods[label + size_label + t_label] = Method(
                    sized, temperature, pooled=now, spread=now
                )
        if now and not (args.run_sizes or args.temperatures) and entry.temperature is not None:
            methods[f"{label} unpooled"] = Method(entry, pooled=False, spread=False)

    sheets = None if args.no_sheets else args.sheets
    counts = HINT_COUNTS if args.hints else ()
    results = evaluate(methods, args.dev, training_mean_ab(), hint_counts=counts, sheets=sheets)
    if args.bw.exists():
        for label, figures in bw_samples(methods, args.bw, sheets).items():
            results[label] |= figures
    print(format_table(results))
    print(
        "\ncast / plain spread on bw_samples: "
        + ", ".join(
            f"{label} {m['bw_cast']:.3f} / {m['bw_plain_spread']:.2f}"
            for label, m in results.items()
            if "bw_cast" in m
        )
    )
    if args.colour:
        from training.evaluate_colour import colour_report, format_colour_report

        chosen = {label: methods[label] for label in ("large", "tiny") if label in methods}
        results["colour"] = colour_report(chosen, args.dev, step=args.colour_step)
        print(format_colour_report(results["colour"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        # The colour report carries numpy floats; they are written as plain numbers.
        args.json.write_text(json.dumps(results, indent=2, default=float) + "\n")


if __name__ == "__main__":
    main()
