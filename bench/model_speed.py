"""Speed of the shipped own models in ONNX Runtime on 2 CPU threads.

    .venv/bin/python bench/model_speed.py [--runs 20] [--threads 2]

For each model: median of `runs` timed runs after warm-up, at 256x256 (the
issue's budget: tiny <= 60 ms, large <= 600 ms) and at the model's own
input_size from models.json. Ratios are against tiny at 256x256 measured in
the same run, so they survive a busy or slower machine better than the ms do.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort

WEIGHTS = Path(__file__).resolve().parents[1] / "colorizer_site" / "engine" / "weights"
BUDGET_MS_AT_256 = {"tiny": 60.0, "large": 600.0}


def median_ms(session: ort.InferenceSession, side: int, runs: int, warmup: int = 3) -> float:
    lightness = np.random.default_rng(0).uniform(0, 100, (1, 1, side, side)).astype(np.float32)
    for _ in range(warmup):
        session.run(["output"], {"input": lightness})
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(["output"], {"input": lightness})
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


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
        for side in sorted({256, entry["input_size"]}):
            rows.append((name, side, median_ms(session, side, args.runs), entry["params"]))
    reference = next((ms for name, side, ms, _ in rows if (name, side) == ("tiny", 256)), None)
    print(f"ONNX Runtime {ort.__version__}, {args.threads} threads, median of {args.runs} runs")
    print("| model | params | side | median ms | vs tiny@256 | budget at 256 |")
    print("|---|---|---|---|---|---|")
    for name, side, ms, params in rows:
        ratio = f"{ms / reference:.2f}x" if reference else "-"
        budget = BUDGET_MS_AT_256.get(name) if side == 256 else None
        verdict = f"{budget:.0f} ms ({'ok' if ms <= budget else 'OVER'})" if budget else ""
        print(f"| {name} | {params:,} | {side} | {ms:.1f} | {ratio} | {verdict} |")


if __name__ == "__main__":
    main()
