"""Cost of the decode-time colour steps at 1024x1024: the photo's surfaces, the pooled
distribution, the pins spread over their surfaces, next to the decode they add to.

    .venv/bin/python bench/colour_decode.py [--side 1024] [--model large] [--repeat 20]

The photo is a real black-and-white one from shared/datasets/bw_samples (a synthetic
picture when the dataset is absent), resized to --side x --side. The model runs once;
each step is then timed alone, median of --repeat runs on one thread's worth of work:

- baseline: annealed mean and the edge-following colour at full size (what every
  job did before), the row the others add to;
- surfaces: engine.surfaces.find_surfaces on the full-size L*;
- pooling: engine.pooling.coherent on the model's distribution;
- calm colour: engine.confidence.calmed (the confidence map and the chroma of doubtful
  large plain surfaces);
- pins: spreading 5 pins over their surfaces at full size (engine.pins).

Each row prints wall-clock and CPU milliseconds; on a busy machine compare the CPU column.

No figure is asserted; compare runs on the same machine (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT.parent / "shared" / "datasets" / "bw_samples"


def _lightness(side: int):
    import numpy as np
    from PIL import Image

    from colorizer_site.engine.color import lightness_of_gray

    sources = sorted(SAMPLES.glob("*.jpg"))
    image = Image.open(sources[-1]).convert("L") if sources else Image.linear_gradient("L")
    return lightness_of_gray(np.asarray(image.resize((side, side), Image.BICUBIC)))


def _median_ms(step, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds of `step`. On a shared machine the CPU time
    (all of this process's threads) is the steadier figure: waiting for a core is not in it."""
    step()  # warm caches and OpenCV's first-call setup
    walls, cpus = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        step()
        walls.append((time.perf_counter() - started) * 1000.0)
        cpus.append((time.process_time() - started_cpu) * 1000.0)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1024)
    parser.add_argument("--model", default="large")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    from colorizer_site.engine import model_registry, pooling
    from colorizer_site.engine.confidence import calmed
    from colorizer_site.engine.pins import pin_spread, spread_pins
    from colorizer_site.engine.pipeline import colour_field
    from colorizer_site.engine.surfaces import find_surfaces
    from colorizer_site.engine.types import ColourHint, EngineConfig

    entry = model_registry.bundled_models()[f"own-{args.model}"]
    config = EngineConfig(models={entry.name: entry}, threads=2)
    lightness = _lightness(args.side)
    prediction = model_registry.predict(lightness, entry, config)
    raw = prediction.distribution
    surfaces = find_surfaces(lightness)
    pins = tuple(
        ColourHint(x=args.side * fx, y=args.side * fy, color="#4060a0")
        for fx, fy in ((0.1, 0.1), (0.9, 0.1), (0.5, 0.5), (0.2, 0.8), (0.8, 0.8))
    )

    def baseline() -> None:
        ab = raw.annealed_mean(entry.temperature)
        colour_field(prediction, ab, lightness).whole()

    ab_grid = raw.annealed_mean(entry.temperature)
    ab_full = colour_field(prediction, raw.annealed_mean(entry.temperature), lightness).whole()
    rows = {
        "baseline (decode + full-size colour)": _median_ms(baseline, args.repeat),
        "surfaces": _median_ms(lambda: find_surfaces(lightness), args.repeat),
        "pooling": _median_ms(lambda: pooling.coherent(raw, surfaces), args.repeat),
        "calm colour": _median_ms(
            lambda: calmed(ab_grid, raw, surfaces, entry.calibration), args.repeat
        ),
        "5 pins spread": _median_ms(
            lambda: spread_pins(ab_full.copy(), pin_spread(pins, surfaces), lightness.shape),
            args.repeat,
        ),
    }
    print(f"{args.side}x{args.side}, {args.model}, median of {args.repeat} (wall / CPU):")
    for label, (wall, cpu) in rows.items():
        print(f"  {label:38s} {wall:7.1f} / {cpu:7.1f} ms")
    added = ("surfaces", "pooling", "calm colour")
    wall, cpu = (sum(rows[label][i] for label in added) for i in (0, 1))
    print(f"  {'added to every job (the three above)':38s} {wall:7.1f} / {cpu:7.1f} ms")


if __name__ == "__main__":
    main()
