"""Where the evaluation's rows come from besides the shipped models: the v1 release from git
history and training checkpoints exported to the engine's ONNX contract."""

import subprocess
from pathlib import Path

import numpy as np

from colorizer_site.engine.model_registry import bundled_models
from colorizer_site.engine.types import ModelEntry
from training.cache import CACHE_DIR

REPO = Path(__file__).resolve().parents[1]
# The last commit that shipped the v1 models (trained from scratch, before the pretrained encoder).
V1_COMMIT = "7914beb"
V1_DIR = CACHE_DIR / "v1"


def v1_entries(commit: str = V1_COMMIT) -> dict[str, ModelEntry]:
    """The v1 files, extracted once from git history into the cache folder."""
    V1_DIR.mkdir(parents=True, exist_ok=True)
    try:
        for name in ("models.json", "tiny.onnx", "large.onnx"):
            target = V1_DIR / name
            if not target.exists():
                blob = subprocess.run(
                    ["git", "show", f"{commit}:colorizer_site/engine/weights/{name}"],
                    cwd=REPO,
                    capture_output=True,
                    check=True,
                ).stdout
                target.write_bytes(blob)
    except (subprocess.CalledProcessError, FileNotFoundError):
        print(f"v1 rows skipped: commit {commit} is not in this clone's history")
        return {}
    return {f"v1 {e.name[4:]}": e for e in bundled_models(V1_DIR).values()}


def exported_checkpoint(path: Path, folder: Path) -> ModelEntry:
    """Export a training checkpoint to a temporary ONNX file so it runs the product's way."""
    from training.export import export_onnx, load_colorizer

    colorizer, state = load_colorizer(path)
    target = folder / f"{path.parent.name}-{path.stem}.onnx"
    export_onnx(colorizer, np.asarray(state["centres"], dtype=np.float32), target)
    return ModelEntry(
        name=f"{path.parent.name}/{path.stem}",
        family="own",
        path=target,
        input_size=128,
        side_multiple=32,
        temperature=0.38,
    )
