"""What the engine benchmarks share: a sample photo, the bundled models, percentiles and
the median time of repeated `engine.colorize` calls with their stages."""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = ROOT.parent / "shared" / "datasets" / "bw_samples"


def sample_photo(long_side: int, path: Path | None = None) -> tuple[bytes, tuple[int, int]]:
    """A greyscale JPEG (quality 90), as a job's stored input would be, whose long side is
    `long_side`: `path`, else the first bw_samples photo, else a synthetic gradient (one
    plain surface) where the shared datasets are not there. Also its size."""
    from PIL import Image

    sources = [path] if path else sorted(SAMPLES.glob("*.jpg"))
    if sources:
        image = Image.open(sources[0]).convert("L")
    else:
        image = Image.linear_gradient("L").resize((768, 512))
    scale = long_side / max(image.size)
    size = (round(image.width * scale), round(image.height * scale))
    image = image.resize(size, Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue(), size


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bundled_config(threads: int):
    """An EngineConfig with the bundled tiny and large models, on `threads` threads."""
    from colorizer_site import engine

    models = engine.choose_models(
        {"tiny": "own-tiny", "large": "own-large"}, engine.bundled_models()
    )
    return engine.EngineConfig(models=models, threads=threads)


def timed_colorize(data: bytes, options, config, repeat: int):
    """Median seconds of `repeat` engine.colorize calls, each stage's median seconds, and
    the last result."""
    from colorizer_site import engine

    totals, stages, result = [], {}, None
    for _ in range(repeat):
        started = time.perf_counter()
        result = engine.colorize(data, options, config)
        totals.append(time.perf_counter() - started)
        for stage, ms in result.timings_ms.items():
            stages.setdefault(stage, []).append(ms / 1000)
    return statistics.median(totals), {k: statistics.median(v) for k, v in stages.items()}, result
