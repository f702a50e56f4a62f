"""The engine's configuration, built from Django settings.

Users choose `tiny` or `large`; COLORIZER_MODEL_CHOICES maps each to a model
entry: the bundled own models described by engine/weights/models.json, or a
third-party model fetched into COLORIZER_MODELS_DIR (described by the engine's
catalog). The engine itself never reads settings.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from colorizer_site.engine.types import EngineConfig, ModelEntry

ENGINE_DIR = Path(__file__).resolve().parent.parent / "engine"
BUNDLED_WEIGHTS = ENGINE_DIR / "weights"


def engine_config() -> EngineConfig:
    """The EngineConfig for the current settings; cheap to call, cached per settings value."""
    return _build(
        tuple(sorted(settings.COLORIZER_MODEL_CHOICES.items())),
        str(settings.COLORIZER_MODELS_DIR),
        settings.COLORIZER_MAX_IMAGE_PIXELS,
        settings.COLORIZER_MAX_IMAGE_SIDE,
        settings.COLORIZER_MAX_UPLOAD_BYTES,
        settings.COLORIZER_ONNX_THREADS,
    )


@lru_cache(maxsize=8)
def _build(
    choices: tuple[tuple[str, str], ...],
    models_dir: str,
    max_pixels: int,
    max_side: int,
    max_bytes: int,
    threads: int,
) -> EngineConfig:
    known = {
        **_entries(ENGINE_DIR / "catalog.json", Path(models_dir)),
        **_entries(BUNDLED_WEIGHTS / "models.json", BUNDLED_WEIGHTS),
    }
    models = {}
    for choice, entry_name in choices:
        entry = known.get(entry_name)
        if entry is None:
            # An unknown name still gets an entry, pointing nowhere, so the
            # error users see is "not installed" rather than a crash.
            entry = ModelEntry(
                name=entry_name, family="own", path=Path(models_dir) / f"{entry_name}.onnx",
                input_size=256,
            )
        models[choice] = entry
    return EngineConfig(
        models=models,
        max_pixels=max_pixels,
        max_side=max_side,
        max_bytes=max_bytes,
        threads=threads,
    )


def _entries(description: Path, folder: Path) -> dict[str, ModelEntry]:
    """Model entries from a JSON description: either {name: {...}} or {"models": {...} | [...]}."""
    if not description.is_file():
        return {}
    raw = json.loads(description.read_text())
    if isinstance(raw, dict) and "models" in raw:
        raw = raw["models"]
    if isinstance(raw, list):
        raw = {item["name"]: item for item in raw}
    entries = {}
    for name, item in raw.items():
        if not isinstance(item, dict) or "file" not in item:
            continue
        entry = ModelEntry(
            name=name,
            family=item.get("family", "own"),
            path=folder / item["file"],
            input_size=int(item.get("input_size", 256)),
            sha256=item.get("sha256", ""),
        )
        entries[name] = entry
        # The bundled models are known both as "tiny" and "own-tiny".
        if entry.family == "own" and not name.startswith("own-"):
            entries.setdefault(f"own-{name}", entry)
    return entries
