"""Latency of the "Adjust colours" preview: engine.preview at each preview size, with
several pins, p50 and p95, next to decoding the same photo alone (its floor).

    .venv/bin/python bench/preview_latency.py [--photo-side 2048] [--models tiny large]
                                              [--repeat 30] [--pins 5]

The photo is a real black-and-white one from shared/datasets/bw_samples (a synthetic
picture when the dataset is absent), resized so its long side is --photo-side and saved
as a greyscale JPEG, as a job's stored input would be. Each call decodes that JPEG,
runs the model with the pins at the reduced size and encodes the preview JPEG: what the
page's preview request costs the server, less Django's few milliseconds. The preview
sizes come from the engine (engine.preview.PREVIEW_SIZES). The model sessions are
loaded once before timing. No figure is asserted; compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from engine_runs import bundled_config, percentile, sample_photo


def main() -> None:
    from colorizer_site import engine
    from colorizer_site.engine.decoding import decode_image
    from colorizer_site.engine.preview import PREVIEW_SIZES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photo-side", type=int, default=2048)
    parser.add_argument("--models", nargs="+", default=["tiny", "large"])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pins", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    config = bundled_config(args.threads)
    data, (width, height) = sample_photo(args.photo_side)
    chance = random.Random(10)
    colours = ["#3a6ea5", "#b03a2e", "#4f7a3a", "#c8a040", "#7a4f9a"]

    def pins() -> tuple[engine.ColourHint, ...]:
        return tuple(
            engine.ColourHint(
                x=chance.uniform(0, width - 1),
                y=chance.uniform(0, height - 1),
                color=chance.choice(colours),
            )
            for _ in range(args.pins)
        )

    decode_times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        decode_image(data, config)
        decode_times.append((time.perf_counter() - started) * 1000)
    print(
        f"preview latency: {width}x{height} greyscale JPEG ({len(data) // 1024} KB), "
        f"{args.pins} pins, {args.threads} threads, {args.repeat} calls each"
    )
    print(
        f"decoding the photo alone: p50 {statistics.median(decode_times):.0f} ms, "
        f"p95 {percentile(decode_times, 0.95):.0f} ms"
    )
    print(f"{'model':>6} {'preview':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for model in args.models:
        options = engine.ColorizeOptions(model=model, hints=pins(), vividness=60)
        engine.preview(data, options, config, max(PREVIEW_SIZES))  # loads the session
        for size in PREVIEW_SIZES:
            times = []
            for _ in range(args.repeat):
                options = engine.ColorizeOptions(model=model, hints=pins(), vividness=60)
                started = time.perf_counter()
                engine.preview(data, options, config, size)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"{model:>6} {size:>6}px {statistics.median(times):>7.0f} "
                f"{percentile(times, 0.95):>7.0f} {max(times):>7.0f}"
            )


if __name__ == "__main__":
    main()
