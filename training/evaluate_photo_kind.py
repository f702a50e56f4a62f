"""The photo-kind detector's confusion table on photos it never saw in training.

    python -m training.evaluate_photo_kind [--datasets ../shared/datasets]

Rows are what each photo really is: dev_eval as it is (colour), dev_eval turned gray,
toned (sepia, selenium, cyanotype; training/fading.py), faded by each fading kind, and
the genuine historical prints of bw_samples. Columns are the engine's verdicts, read
from the encoded file as the product reads it (engine.kind_of_image). Writes
training/runs/photo_kind_eval.json.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from colorizer_site.engine import EngineConfig, kind_of_image
from colorizer_site.engine.photo_kind import KINDS
from training import fading
from training.cache import DATASETS

RUNS = Path(__file__).resolve().parent / "runs"


def encoded(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def renderings(clean: np.ndarray, number: int) -> dict[str, tuple[str, np.ndarray]]:
    """Each test rendering of one photo: name -> (true kind, uint8 RGB)."""
    unit = clean / 255.0
    out = {"dev_eval colour": ("colour", clean)}

    def as_uint8(rgb: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)

    rng = np.random.default_rng([number, 99])
    out["dev_eval gray"] = ("bw", as_uint8(fading.gray(unit, rng)))
    for tone in fading.TONES:
        out[f"toned {tone}"] = ("toned", as_uint8(fading.toned(unit, tone, rng)))
    for kind in fading.KINDS:
        faded = fading.scan_nuisances(fading.fade(unit, kind, rng), rng)
        out[f"faded {kind}"] = ("faded", as_uint8(faded))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--photos", type=int, default=300)
    args = parser.parse_args()
    config = EngineConfig(models={})
    table: dict[str, dict[str, int]] = {}
    truth: dict[str, str] = {}

    def count(row: str, kind: str, data: bytes) -> None:
        verdict = kind_of_image(data, config)
        table.setdefault(row, dict.fromkeys(KINDS, 0))[verdict] += 1
        truth[row] = kind

    photos = sorted((args.datasets / "dev_eval").glob("*.jpg"))[: args.photos]
    for number, path in enumerate(photos):
        clean = np.asarray(Image.open(path).convert("RGB"))
        for row, (kind, rgb) in renderings(clean, number).items():
            count(row, kind, encoded(rgb))
    for path in sorted((args.datasets / "bw_samples").glob("*.jpg")):
        count("bw_samples (genuine)", "bw", path.read_bytes())

    print(f"{'photos (true kind)':<30}" + "".join(f"{kind:>8}" for kind in KINDS) + "  correct")
    right = total = 0
    for row, counts in table.items():
        n = sum(counts.values())
        right += counts[truth[row]]
        total += n
        share = counts[truth[row]] / n
        cells = "".join(f"{counts[kind]:>8}" for kind in KINDS)
        print(f"{row + ' (' + truth[row] + ')':<30}{cells}  {share:6.1%}")
    print(f"overall {right}/{total} = {right / total:.1%}")
    RUNS.mkdir(exist_ok=True)
    (RUNS / "photo_kind_eval.json").write_text(
        json.dumps({"truth": truth, "table": table}, indent=2)
    )


if __name__ == "__main__":
    main()
