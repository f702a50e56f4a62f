"""Speed of the shipped own models in ONNX Runtime on 2 CPU threads.

    .venv/bin/python bench/model_speed.py [--runs 20] [--threads 2]

For each model: median of `runs` timed runs after warm-up, at 256x256 (the
model v2 issue's budget: tiny <= 40 ms, large <= 250 ms) and at the model's own
input_size from models.json. The network alone is timed (for v2 models: the
logits, with an empty hint map); the engine's decoding at the chosen vividness
is timed separately, at the same size, because it runs once per request too.
Ratios are against tiny at 256x256 measured in the same run, so they survive a
busy or slower machine better than the ms do.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from colorizer_site.engine.distribution import ColourDistribution  # noqa: E402

WEIGHTS = ROOT / "colorizer_site" / "engine" / "weights"
BUDGET_MS_AT_256 = {"tiny": 40.0, "large": 250.0}


def feed_for(session: ort.InferenceSession, side: int) -> dict[str, np.ndarray]:
    lightness = np.random.default_rng(0).uniform(0, 100, (1, 1, side, side)).astype(np.float32)
    feed = {"input": lightness}
    if any(tensor.name == "hints" for tensor in session.get_inputs()):
        feed["hints"] = np.zeros((1, 3, side, side), dtype=np.float32)
    return feed


def median_ms(run, runs: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        run()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def decoding_ms(session: ort.InferenceSession, side: int, runs: int) -> float | None:
    """The engine's annealed mean over the logits of one photo at this side, if it has bins."""
    metadata = session.get_modelmeta().custom_metadata_map
    if "ab_bins" not in metadata:
        return None
    (logits,) = session.run(None, feed_for(session, side))
    distribution = ColourDistribution(logits[0], np.asarray(json.loads(metadata["ab_bins"])))
    return median_ms(lambda: distribution.annealed_mean(0.4), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    manifest = json.loads((args.weights / "models.json").read_text())
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    rows = []
    for name, entry in manifest.items():
        if entry.get("family") != "own":
            continue
        session = ort.InferenceSession(
            str(args.weights / entry["file"]), options, providers=["CPUExecutionProvider"]
        )
        size_mb = (args.weights / entry["file"]).stat().st_size / 1e6
        for side in sorted({256, entry["input_size"]}):
            feed = feed_for(session, side)
            ms = median_ms(lambda s=session, f=feed: s.run(None, f), args.runs)
            decode = decoding_ms(session, side, args.runs)
            rows.append((name, side, ms, decode, entry["params"], size_mb))
    # A model that runs with partners ("ensemble_with": the shipped large runs tiny's
    # network too) costs its own network plus theirs at the same side.
    alone = {(name, side): ms for name, side, ms, *_ in rows}
    rows = [
        (
            name,
            side,
            ms + sum(alone[(p, side)] for p in manifest[name].get("ensemble_with", ())),
            *rest,
        )
        for name, side, ms, *rest in rows
    ]
    reference = next((r[2] for r in rows if r[:2] == ("tiny", 256)), None)
    print(f"ONNX Runtime {ort.__version__}, {args.threads} threads, median of {args.runs} runs")
    print("| model | params | file MB | side | network ms | decoding ms | vs tiny@256 | budget |")
    print("|---|---|---|---|---|---|---|---|")
    for name, side, ms, decode, params, size_mb in rows:
        ratio = f"{ms / reference:.2f}x" if reference else "-"
        budget = BUDGET_MS_AT_256.get(name) if side == 256 else None
        verdict = f"{budget:.0f} ms ({'ok' if ms <= budget else 'OVER'})" if budget else ""
        decoded = f"{decode:.1f}" if decode is not None else "-"
        print(
            f"| {name} | {params:,} | {size_mb:.1f} | {side} | {ms:.1f} | {decoded} | {ratio} "
            f"| {verdict} |"
        )


if __name__ == "__main__":
    main()
