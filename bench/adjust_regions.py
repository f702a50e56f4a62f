"""What the "Adjust colours" regions cost the server: the photo's analysis (the model
run once, what the first suggestions or reach request of a photo pays), then suggested
pins and a pin's reach answered from that analysis (what every later request pays).

    .venv/bin/python bench/adjust_regions.py [--photo-side 1024] [--models tiny large]
                                             [--repeat 10] [--points 200] [--photo PATH]

The photo is --photo or a real black-and-white one from shared/datasets/bw_samples (a
synthetic picture, one plain surface, when neither is there), resized so its long side
is --photo-side and saved as a greyscale JPEG, as a job's stored input would be. The
reach is asked at --points random points, as a pointer moving over the photo would;
p50 and p95 are printed, and the outlines' point counts. No figure is asserted;
compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from engine_runs import bundled_config, percentile, sample_photo


def main() -> None:
    from colorizer_site import engine

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo-side", type=int, default=1024)
    parser.add_argument("--models", nargs="+", default=["tiny", "large"])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--photo", type=Path)
    args = parser.parse_args()

    config = bundled_config(args.threads)
    data, _ = sample_photo(args.photo_side, args.photo)
    chance = random.Random(19)
    print(f"photo long side {args.photo_side}, {args.threads} threads")
    for model in args.models:
        options = engine.ColorizeOptions(model=model)
        engine.analyze(data, options, config)  # load the session once
        analyses = []
        for _ in range(max(1, args.repeat // 3)):
            started = time.perf_counter()
            analysis = engine.analyze(data, options, config)
            analyses.append(time.perf_counter() - started)
        suggesting = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            found = analysis.suggestions(3)
            suggesting.append(time.perf_counter() - started)
        reaching, sizes = [], []
        for _ in range(args.points):
            x = chance.uniform(0, analysis.width - 1)
            y = chance.uniform(0, analysis.height - 1)
            started = time.perf_counter()
            outline = analysis.reach(x, y)
            reaching.append(time.perf_counter() - started)
            sizes.append(len(outline))
        print(
            f"{model}: analysis {statistics.median(analyses) * 1000:.0f} ms; "
            f"suggestions(3) {statistics.median(suggesting) * 1000:.1f} ms "
            f"({len(found)} found, areas {[round(s.area, 3) for s in found]}); "
            f"reach p50 {percentile(reaching, 0.5) * 1000:.2f} ms, "
            f"p95 {percentile(reaching, 0.95) * 1000:.2f} ms, "
            f"outline points median {statistics.median(sizes):.0f}, max {max(sizes)}"
        )


if __name__ == "__main__":
    main()
