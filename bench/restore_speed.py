"""Restore mode's speed beside colorizing: one photo through `engine.colorize` both ways.

    .venv/bin/python bench/restore_speed.py [--side 1024] [--model large] [--repeat 3]
        [--sample PATH]

The photo is a dev_eval photo (shared/datasets, never trained on) faded by cyan-dye loss
(training/fading.py), scaled to a square of the given side and saved as a JPEG. Prints
the median seconds of each mode and of their stages, and restore's share of colorize's
time (the target: restore within 2x of colorize with `large`).
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import numpy as np
from engine_runs import bundled_config, timed_colorize
from PIL import Image

from colorizer_site import engine
from training import fading
from training.cache import DATASETS

SAMPLE = DATASETS / "dev_eval" / "azure-00001.jpg"


def faded_photo(source: Path, side: int) -> bytes:
    clean = np.asarray(Image.open(source).convert("RGB").resize((side, side), Image.BICUBIC))
    faded = fading.fade(clean / 255.0, "cyan_loss", np.random.default_rng(0))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(np.rint(faded * 255), 0, 255).astype(np.uint8)).save(
        buffer, "JPEG", quality=92
    )
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--model", default="large")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sample", type=Path, default=SAMPLE, help="the photo to fade")
    args = parser.parse_args()
    config = bundled_config(args.threads)
    data = faded_photo(args.sample, args.side)
    colorize = engine.ColorizeOptions(args.model)
    restore = engine.ColorizeOptions(mode="restore")
    engine.colorize(data, colorize, config)  # load every network once
    engine.colorize(data, restore, config)
    colorize_s, colorize_stages, _ = timed_colorize(data, colorize, config, args.repeat)
    restore_s, restore_stages, _ = timed_colorize(data, restore, config, args.repeat)
    print(f"{args.side}x{args.side} JPEG, {args.threads} threads, median of {args.repeat}")
    for name, total, stages in (
        (f"colorize ({args.model})", colorize_s, colorize_stages),
        ("restore", restore_s, restore_stages),
    ):
        print(
            f"  {name:<18} {total:.3f} s   " + "  ".join(f"{k} {v:.3f}" for k, v in stages.items())
        )
    print(f"  restore / colorize = {restore_s / colorize_s:.2f}x (target: at most 2x)")


if __name__ == "__main__":
    main()
