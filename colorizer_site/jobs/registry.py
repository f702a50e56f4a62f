"""The engine's configuration, built from Django settings.

Users choose `tiny` or `large`; COLORIZER_MODEL_CHOICES maps each to a model
entry: the bundled own models described by engine/weights/models.json, or a
third-party model fetched into COLORIZER_MODELS_DIR (described by the engine's
catalog). The engine itself never reads settings.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from colorizer_site.engine import model_registry
from colorizer_site.engine.types import EngineConfig, ModelEntry
from colorizer_site.jobs.limits import InputLimits, Surface, limits_for

# The engine's own default; a module attribute so a deployment or a test can point elsewhere.
WEIGHTS_DIR = model_registry.WEIGHTS_DIR


def engine_config(
    *, max_bytes: int | None = None, limits: InputLimits | None = None
) -> EngineConfig:
    """The EngineConfig for the current settings; cheap to call, cached per settings value.

    `limits` are those of the way the photo came in (jobs.limits; the pages' by
    default); `max_bytes` raises the file size cap for a caller that promises more.
    """
    limits = limits or limits_for(Surface.PAGES)
    return _build(
        tuple(sorted(settings.COLORIZER_MODEL_CHOICES.items())),
        str(settings.COLORIZER_MODELS_DIR),
        str(WEIGHTS_DIR),
        limits.max_pixels,
        limits.max_side,
        max(limits.max_bytes, max_bytes or 0),
        settings.COLORIZER_ONNX_THREADS,
    )


@lru_cache(maxsize=8)
def _build(
    choices: tuple[tuple[str, str], ...],
    models_dir: str,
    weights_dir: str,
    max_pixels: int,
    max_side: int,
    max_bytes: int,
    threads: int,
) -> EngineConfig:
    available = model_registry.available_models(Path(models_dir), Path(weights_dir))
    models = dict(available)
    for choice, entry_name in choices:
        # A name that is not (yet) known still gets an entry, pointing nowhere,
        # so users see "not installed" at submit rather than a server error.
        models[choice] = available.get(entry_name) or ModelEntry(
            name=entry_name,
            family="own",
            path=Path(models_dir) / f"{entry_name}.onnx",
            input_size=256,
        )
    return EngineConfig(
        models=models,
        max_pixels=max_pixels,
        max_side=max_side,
        max_bytes=max_bytes,
        threads=threads,
    )
