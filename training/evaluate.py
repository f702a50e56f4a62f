"""Measure colorizers on dev_eval with the datasets README's metrics, beside two baselines.

    python -m training.evaluate                       # shipped tiny + large, sheets
    python -m training.evaluate --checkpoint training/checkpoints/tiny/min030.pt
    python -m training.evaluate --run-sizes 128 160 256

Every run also measures "gray" (a = b = 0) and "mean colour" (the training
set's mean ab everywhere) so a table is always read against its baselines.
A model runs the engine's way: L resized (aspect kept) to a long side of
input_size, ab from the model resized back to the photo and joined with the
photo's own L.
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort
import torch
from PIL import Image

from training.bins import ANNEAL_T
from training.cache import CACHE_DIR, DATASETS
from training.color import rgb_to_lab
from training.export import WEIGHTS, load_colorizer
from training.metrics import SetMetrics, cell_prior_of, compose_rgb

SHEETS = Path(__file__).resolve().parent / "runs" / "evaluation"
SHEET_PHOTOS = 24

# L [1, 1, h, w] float32 -> ab [1, 2, h, w] float32
Colorizer = Callable[[np.ndarray], np.ndarray]


def onnx_colorizer(path: Path, threads: int = 2) -> Colorizer:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return lambda lightness: session.run(["output"], {"input": lightness})[0]


def checkpoint_colorizer(path: Path, temperature: float) -> Colorizer:
    """`a.pt+b.pt` names an ensemble of the two checkpoints."""
    parts = [Path(p) for p in str(path).split("+")]
    model = load_colorizer(parts if len(parts) > 1 else parts[0], temperature)

    def run(lightness: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(lightness)).numpy()

    return run


def working_size(height: int, width: int, run_size: int) -> tuple[int, int]:
    """The engine's rule: keep the aspect, long side = run size, sides multiples of 16."""
    scale = run_size / max(height, width)
    return tuple(max(16, round(side * scale / 16) * 16) for side in (height, width))


def predict_ab(colorizer: Colorizer, lightness: np.ndarray, run_size: int) -> np.ndarray:
    """L [H, W] of a whole photo -> ab [H, W, 2] at the photo's size, as the engine runs it."""
    height, width = lightness.shape
    small_height, small_width = working_size(height, width, run_size)
    small = lightness
    if (height, width) != (small_height, small_width):
        small = cv2.resize(lightness, (small_width, small_height), interpolation=cv2.INTER_AREA)
    ab = colorizer(small[None, None].astype(np.float32))[0].transpose(1, 2, 0)
    if ab.shape[:2] != (height, width):
        ab = cv2.resize(ab, (width, height), interpolation=cv2.INTER_LINEAR)
    return ab


def load_photos(folder: Path) -> tuple[list[str], list[np.ndarray], list[np.ndarray]]:
    paths = sorted(folder.glob("*.jpg"))
    if not paths:
        raise SystemExit(f"no photos under {folder}")
    rgbs = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
    return [p.stem for p in paths], rgbs, [rgb_to_lab(rgb) for rgb in rgbs]


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


def training_mean_ab(cache_dir: Path = CACHE_DIR) -> np.ndarray:
    """Mean (a, b) over the training photos' pixels (every 4th row and column)."""
    from training.data import load_cache, split_indices  # needs the cache only here

    photos = load_cache(cache_dir)
    train_idx, _ = split_indices(len(photos))
    total = np.zeros(2)
    for start in range(0, len(train_idx), 2048):
        chunk = photos[train_idx[start : start + 2048], 1:, ::4, ::4].astype(np.float64)
        total += chunk.mean(axis=(2, 3)).sum(axis=0)
    return (total / len(train_idx) - 128.0).astype(np.float32)


def shipped_models(weights: Path) -> dict[str, tuple[Path, int]]:
    manifest = json.loads((weights / "models.json").read_text())
    return {
        name: (weights / e["file"], e["input_size"])
        for name, e in manifest.items()
        if e.get("family") == "own"
    }


def evaluate(
    methods: dict[str, tuple[Colorizer | None, int]],
    dev: Path,
    mean_ab: np.ndarray,
    sheets: Path | None,
) -> dict[str, dict[str, float]]:
    """methods: label -> (colorizer or None for a baseline, run size)."""
    names, rgbs, labs = held_out_photos() if dev.name == "val" else load_photos(dev)
    prior = cell_prior_of(labs)
    results = {"gray": SetMetrics(prior), "mean colour": SetMetrics(prior)}
    results |= {label: SetMetrics(prior) for label in methods}
    sheet_every = max(1, len(names) // SHEET_PHOTOS)
    sheet_rows: list[list[np.ndarray]] = []
    for index, (rgb, lab) in enumerate(zip(rgbs, labs, strict=True)):
        gray_ab = np.zeros((*lab.shape[:2], 2), dtype=np.float32)
        results["gray"].add(rgb, lab, gray_ab)
        results["mean colour"].add(rgb, lab, gray_ab + mean_ab)
        row = [rgb, compose_rgb(lab[..., :1], gray_ab)]
        for label, (colorizer, run_size) in methods.items():
            ab = predict_ab(colorizer, lab[..., 0], run_size)
            results[label].add(rgb, lab, ab)
            row.append(compose_rgb(lab[..., :1], ab))
        if index % sheet_every == 0 and len(sheet_rows) < SHEET_PHOTOS:
            sheet_rows.append(row)
    if sheets is not None:
        from training.sheets import comparison_sheet

        titles = ["truth", "gray", *methods]
        print(f"sheet: {comparison_sheet(sheet_rows, titles, sheets / 'dev_eval_sheet.png')}")
    return {label: metrics.summary() for label, metrics in results.items()}


def bw_sheet(methods: dict[str, tuple[Colorizer | None, int]], folder: Path, target: Path) -> None:
    from training.sheets import gallery_sheet

    rows = []
    for path in sorted(folder.glob("*.jpg")):
        gray = np.asarray(Image.open(path).convert("RGB"))
        lab = rgb_to_lab(gray)
        lab[..., 1:] = 0  # old prints carry a tint; the engine colorizes their L only
        row = [compose_rgb(lab[..., :1], lab[..., 1:])]
        for colorizer, run_size in methods.values():
            row.append(compose_rgb(lab[..., :1], predict_ab(colorizer, lab[..., 0], run_size)))
        rows.append(row)
    print(f"sheet: {gallery_sheet(rows, ['input L', *methods], target)}")


def format_table(results: dict[str, dict[str, float]]) -> str:
    lines = [
        "| method | PSNR | AuC | rebalanced AuC | colourfulness ratio |",
        "|---|---|---|---|---|",
    ]
    for label, m in results.items():
        lines.append(
            f"| {label} | {m['psnr']:.2f} | {m['auc']:.2f} | {m['rebalanced_auc']:.2f} | "
            f"{m['colourfulness_ratio']:.3f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--models", nargs="*", help="shipped model names (default: all)")
    parser.add_argument("--checkpoint", type=Path, action="append", default=[])
    parser.add_argument(
        "--temperatures",
        type=float,
        nargs="*",
        default=[ANNEAL_T],
        help="annealed-mean temperatures to try with --checkpoint",
    )
    parser.add_argument(
        "--run-sizes", type=int, nargs="*", help="override the run size (each size is measured)"
    )
    parser.add_argument(
        "--dev", type=Path, default=DATASETS / "dev_eval", help='a folder, or "val" for held-out'
    )
    parser.add_argument("--bw", type=Path, default=DATASETS / "bw_samples")
    parser.add_argument("--sheets", type=Path, default=SHEETS)
    parser.add_argument("--no-sheets", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    candidates: dict[str, tuple[Colorizer, int]] = {}
    if not args.checkpoint or args.models:
        for name, (path, size) in shipped_models(args.weights).items():
            if not args.models or name in args.models:
                candidates[name] = (onnx_colorizer(path), size)
    for path in args.checkpoint:
        for temperature in args.temperatures:
            suffix = f" T={temperature}" if len(args.temperatures) > 1 else ""
            candidates[f"{path.parent.name}/{path.stem}{suffix}"] = (
                checkpoint_colorizer(path, temperature),
                128,
            )
    methods = {}
    for label, (colorizer, size) in candidates.items():
        for run_size in args.run_sizes or [size]:
            suffix = f" @{run_size}" if args.run_sizes else ""
            methods[label + suffix] = (colorizer, run_size)

    sheets = None if args.no_sheets else args.sheets
    results = evaluate(methods, args.dev, training_mean_ab(), sheets)
    print(format_table(results))
    if sheets is not None and args.bw.exists():
        bw_sheet(methods, args.bw, sheets / "bw_samples_sheet.png")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
