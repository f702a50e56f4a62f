"""Both restoration add-ons end to end: a 2048x2048 old photo through the engine with
scratch repair and the clarity boost, against the same photo without them, in one run.

    .venv/bin/python bench/restoration.py [--side 2048] [--model tiny] [--repeat 3]

The photo is the 1946 wedding portrait of shared/datasets/bw_samples (several faces),
scaled to a square of the given side, with a long branching crack and dust drawn on
it (training/defects.py, fixed seed) so the repair has work to do. Prints the
seconds of every stage (median of the repeats) and the add-ons' share of the time.
"""

from __future__ import annotations

import argparse
import io

import numpy as np
from engine_runs import ROOT, bundled_config, timed_colorize
from PIL import Image

from colorizer_site import engine
from training.defects import damage

SAMPLE = ROOT.parent / "shared" / "datasets" / "bw_samples" / "deoldify-1946Wedding.jpg"


def damaged_photo(side: int) -> bytes:
    gray = Image.open(SAMPLE).convert("L").resize((side, side), Image.Resampling.BICUBIC)
    lightness = np.asarray(gray, dtype=np.float32) / 2.55
    rng = np.random.default_rng(4)
    damaged, _ = damage(lightness, rng, ("crack", "dust"), aged=False)
    buffer = io.BytesIO()
    Image.fromarray(np.round(damaged * 2.55).astype(np.uint8)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=2048)
    parser.add_argument("--model", default="tiny")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    config = bundled_config(args.threads)
    data = damaged_photo(args.side)
    plain = engine.ColorizeOptions(args.model)
    both = engine.ColorizeOptions(args.model, clean_scratches=True, face_remaster=True)
    engine.colorize(data, both, config)  # load every network once
    base, _, _ = timed_colorize(data, plain, config, args.repeat)
    total, stages, result = timed_colorize(data, both, config, args.repeat)
    print(f"{args.side}x{args.side}, model {args.model}, {args.threads} threads")
    print(f"  without add-ons: {base:.2f} s")
    print(f"  with scratch repair and clarity boost: {total:.2f} s ({total / base:.1f}x)")
    for stage, seconds in stages.items():
        print(f"    {stage:<16} {seconds:.2f} s")
    for note in result.notes:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()
