"""Full-resolution colorize of flatbed-scan sizes: time and peak memory, against a 16-megapixel
photo measured the same way in the same run.

    .venv/bin/python bench/large_scan.py [--megapixels 16 60] [--model large] [--format jpeg]

A 600 dpi scan of an 8x10 inch print is 4800x6000 (29 MP); of an A4 page 4961x7016
(35 MP); 60 MP is the largest the pages and `/api/v1/colorize` accept. Each size runs
in a fresh child process so its peak resident memory (ru_maxrss) is its own; the
child's memory before colorizing (Python, numpy, ONNX Runtime, the model, the input
bytes) is printed too, so the growth is what the photo costs. The input is a grey
JPEG (quality 90) with a 3:4 portrait frame, built from a real sample where there is one.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT.parent / "shared" / "datasets" / "bw_samples"


def _scan(megapixels: float) -> tuple[bytes, int, int]:
    from PIL import Image

    width = int((megapixels * 1e6 * 3 / 4) ** 0.5)
    height = int(width * 4 / 3)
    sources = sorted(SAMPLES.glob("*.jpg"))
    if sources:
        image = Image.open(sources[0]).convert("L")
    else:  # no dataset here: a synthetic picture still exercises every stage
        image = Image.linear_gradient("L").resize((512, 512))
    image = image.resize((width, height), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue(), width, height


def _child(megapixels: float, model: str, output_format: str, threads: int) -> dict:
    from colorizer_site import engine

    models = engine.choose_models(
        {"tiny": "own-tiny", "large": "own-large"}, engine.bundled_models()
    )
    config = engine.EngineConfig(
        models=models,
        threads=threads,
        max_pixels=61_000_000,
        max_side=12_000,
        max_bytes=200 * 1024 * 1024,
    )
    data, width, height = _scan(megapixels)
    # Load the model first so the baseline memory includes it, as in a warm worker.
    engine.colorize(_scan(0.05)[0], engine.ColorizeOptions(model), config)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    result = engine.colorize(
        data, engine.ColorizeOptions(model, output_format=output_format), config
    )
    seconds = time.perf_counter() - started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (result.width, result.height) == (width, height)
    return {
        "megapixels": round(width * height / 1e6, 1),
        "size": f"{width}x{height}",
        "input_mb": round(len(data) / 1e6, 1),
        "output_mb": round(len(result.data) / 1e6, 1),
        "seconds": round(seconds, 2),
        "stages_ms": result.timings_ms,
        "rss_before_mb": round(rss_before / 1024),
        "rss_peak_mb": round(rss_peak / 1024),
        "growth_mb": round((rss_peak - rss_before) / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megapixels", type=float, nargs="+", default=[16, 60])
    parser.add_argument("--model", default="large")
    parser.add_argument("--format", default="jpeg", choices=["jpeg", "png", "webp"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.child, args.model, args.format, args.threads)))
        return
    rows = []
    for megapixels in args.megapixels:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(megapixels),
                "--model",
                args.model,
                "--format",
                args.format,
                "--threads",
                str(args.threads),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append(json.loads(output.strip().splitlines()[-1]))
    base = rows[0]
    print(f"model {args.model}, output {args.format}, {args.threads} threads")
    print(
        "| size | MP | file in/out MB | seconds | s/MP vs first | peak RSS MB | growth MB | MB/MP |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        per_mp = row["seconds"] / row["megapixels"]
        ratio = per_mp / (base["seconds"] / base["megapixels"])
        print(
            f"| {row['size']} | {row['megapixels']} | {row['input_mb']} / {row['output_mb']} | "
            f"{row['seconds']} | {ratio:.2f}x | "
            f"{row['rss_peak_mb']} | {row['growth_mb']} | "
            f"{row['growth_mb'] / row['megapixels']:.1f} |"
        )
    for row in rows:
        print(row["size"], "stages ms:", row["stages_ms"])


if __name__ == "__main__":
    main()
