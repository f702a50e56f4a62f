"""End-to-end engine speed and memory: decode, colorize, encode JPEG, against decode +
encode alone measured in the same process.

    .venv/bin/python bench/engine_e2e.py [--sizes 1024 4096] [--models tiny large] [--repeat 5]

Each (size, model) pair runs in a fresh child process so its peak resident memory
(ru_maxrss) is its own. The input is a real black-and-white photo from
shared/datasets/bw_samples, resized to a square of the given side and saved as a
greyscale JPEG (quality 90), the common case for old photos. The baseline decodes
that JPEG and encodes an RGB JPEG of the same size with the engine's settings
(quality 92, progressive): the least any colorizing service has to do.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT.parent / "shared" / "datasets" / "bw_samples"


def _photo(side: int) -> bytes:
    from PIL import Image

    sources = sorted(SAMPLES.glob("*.jpg"))
    if sources:
        image = Image.open(sources[0]).convert("L")
    else:  # no dataset here: a synthetic picture still exercises every stage
        image = Image.linear_gradient("L").resize((512, 512))
    image = image.resize((side, side), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _child(side: int, model: str, repeat: int, threads: int) -> dict:
    import numpy as np

    from colorizer_site import engine
    from colorizer_site.engine.decoding import decode_image
    from colorizer_site.engine.encoding import encode_image

    models = engine.choose_models(
        {"tiny": "own-tiny", "large": "own-large"}, engine.bundled_models()
    )
    config = engine.EngineConfig(models=models, threads=threads)
    data = _photo(side)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def baseline() -> None:
        decoded = decode_image(data, config)
        pixels = decoded.gray if decoded.gray is not None else decoded.rgb
        rgb = np.repeat(pixels[..., None], 3, axis=-1) if pixels.ndim == 2 else pixels
        encode_image(rgb, "jpeg")

    options = engine.ColorizeOptions(model=model, output_format="jpeg")
    started = time.perf_counter()
    first = engine.colorize(data, options, config)
    first_ms = (time.perf_counter() - started) * 1000
    baseline()

    base_times, full_times, stages = [], [], []
    for _ in range(repeat):
        started = time.perf_counter()
        baseline()
        base_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        result = engine.colorize(data, options, config)
        full_times.append((time.perf_counter() - started) * 1000)
        stages.append(result.timings_ms)
    return {
        "side": side,
        "model": model,
        "input_bytes": len(data),
        "output_bytes": len(first.data),
        "first_call_ms": round(first_ms),
        "baseline_ms": round(statistics.median(base_times), 1),
        "end_to_end_ms": round(statistics.median(full_times), 1),
        "stages_ms": {
            name: round(statistics.median(timing[name] for timing in stages), 1)
            for name in stages[0]
        },
        "rss_after_imports_mb": round(rss_before / 1024),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=int, default=[1024, 4096])
    parser.add_argument("--models", nargs="+", default=["tiny", "large"])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "MODEL"))
    args = parser.parse_args()

    if args.child:
        side, model = int(args.child[0]), args.child[1]
        print(json.dumps(_child(side, model, args.repeat, args.threads)))
        return

    print(f"engine end to end, {args.threads} threads, median of {args.repeat} (after one warm-up)")
    print(
        f"{'size':>9} {'model':>6} {'e2e ms':>8} {'dec+enc ms':>10} {'ratio':>6} "
        f"{'peak MB':>8} {'first ms':>9}  stages (ms)"
    )
    for side in args.sizes:
        for model in args.models:
            command = [
                sys.executable,
                __file__,
                "--child",
                str(side),
                model,
                "--repeat",
                str(args.repeat),
                "--threads",
                str(args.threads),
            ]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            row = json.loads(output.strip().splitlines()[-1])
            ratio = row["end_to_end_ms"] / row["baseline_ms"]
            stages = " ".join(f"{k}={v:.0f}" for k, v in row["stages_ms"].items())
            print(
                f"{side:>4}x{side:<4} {model:>6} {row['end_to_end_ms']:>8.0f} "
                f"{row['baseline_ms']:>10.0f} {ratio:>6.2f} {row['peak_rss_mb']:>8} "
                f"{row['first_call_ms']:>9}  {stages}"
            )


if __name__ == "__main__":
    main()
