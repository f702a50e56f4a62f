"""Guided colour for a finished job: free previews, the model's alternatives at a point,
where it is unsure, and "Apply", which makes a charged refinement job.

Previews and palettes cost nothing, so they are rate-limited per user
(COLORIZER_PREVIEW_LIMIT per COLORIZER_PREVIEW_WINDOW_SECONDS) instead; an API
key's own rate limit covers the API's palette calls.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

from colorizer_site import engine
from colorizer_site.engine.analysis import Alternative, ColourAnalysis
from colorizer_site.engine.distribution import vividness_of_temperature
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.engine.model_registry import takes_hints
from colorizer_site.engine.pipeline import resolve_model
from colorizer_site.engine.preview import DEFAULT_PREVIEW_SIZE
from colorizer_site.engine.types import ColourHint
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from colorizer_site.jobs.registry import engine_config
from colorizer_site.jobs.services import rerun_job, stored_input
from colorizer_site.lib.errors import DomainError

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

PALETTE_SIZE = 5  # swatches offered at a point, best first
MAX_PALETTE_SIZE = 8
# Analyses kept per process: one photo's colour distribution is about a megabyte,
# and a person adjusting a photo asks for many points of the same one.
_ANALYSES_KEPT = 8
_analyses: OrderedDict[tuple[str, str], ColourAnalysis] = OrderedDict()
_analyses_lock = threading.Lock()


class PreviewRateLimited(DomainError):
    """Too many free previews or palettes in the current window; retry after `retry_after` s."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many previews at once; try again in {retry_after} second"
            f"{'s' if retry_after != 1 else ''}."
        )
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def check_preview_rate(user: User) -> None:
    """Count one free request for `user`; PreviewRateLimited past the window's allowance.

    A fixed window in the shared cache (the database cache by default, so it holds
    across processes). The cache's increment is not atomic everywhere, so two
    racing requests may both pass: a soft limit, which is all a free preview needs.
    """
    limit = settings.COLORIZER_PREVIEW_LIMIT
    window = settings.COLORIZER_PREVIEW_WINDOW_SECONDS
    if limit <= 0:
        return
    now = time.time()
    slot = int(now // window)
    key = f"preview-rate:{user.pk}:{slot}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window * 2)
        count = 1
    if count > limit:
        raise PreviewRateLimited(max(1, math.ceil((slot + 1) * window - now)))


def can_adjust(job: ColorizationJob) -> bool:
    """Whether the job page offers "Adjust colours": a finished job whose photo is still
    stored and whose model takes colour hints."""
    if not job.succeeded or not job.input_file:
        return False
    config = engine_config()
    try:
        return takes_hints(resolve_model(job.options.get("model", "large"), config), config)
    except engine.EngineError:
        return False


def preview(
    job: ColorizationJob,
    *,
    hints: tuple[ColourHint, ...],
    vividness: int | None,
    size: int = DEFAULT_PREVIEW_SIZE,
) -> bytes:
    """A JPEG of the job's photo with these pins and vividness, long side `size`; free."""
    options = JobOptions.from_job(job)
    options = JobOptions(model=options.model, hints=hints, vividness=vividness).validated()
    return engine.preview(stored_input(job), options.engine_options(), engine_config(), size).data


def alternatives(
    job: ColorizationJob, *, x: float, y: float, count: int = PALETTE_SIZE
) -> list[Alternative]:
    """The model's most likely colours at a point of the job's photo (its pixels), best first."""
    if not 1 <= count <= MAX_PALETTE_SIZE:
        raise InvalidOptions(f"count must be from 1 to {MAX_PALETTE_SIZE}.", field="count")
    return _analysis(job).alternatives(x, y, count)


def unsure_overlay(job: ColorizationJob, *, size: int = DEFAULT_PREVIEW_SIZE) -> bytes:
    """A PNG shading where the model was unsure, at the preview's size, for the confidence view."""
    analysis = _analysis(job)
    scale = min(1.0, size / max(analysis.width, analysis.height))
    width = max(1, round(analysis.width * scale))
    height = max(1, round(analysis.height * scale))
    return analysis.unsure_overlay(width, height)


def default_vividness(job: ColorizationJob) -> int:
    """The vividness the job's model uses when none is chosen (its measured best)."""
    entry = resolve_model(job.options.get("model", "large"), engine_config())
    return vividness_of_temperature(entry.temperature or 1.0)


def chosen_vividness(job: ColorizationJob) -> int:
    """The job's own vividness, or its model's default when it had none."""
    vividness = job.options.get("vividness")
    return default_vividness(job) if vividness is None else int(vividness)


def refine_job(
    job: ColorizationJob, *, hints: tuple[ColourHint, ...], vividness: int | None
) -> ColorizationJob:
    """Apply: a new full-size job on the same photo and options with these pins and
    vividness, charged as a normal run and linked to the job it refines."""
    options = JobOptions.from_job(job)
    options = JobOptions(
        model=options.model,
        clean_scratches=options.clean_scratches,
        face_remaster=options.face_remaster,
        output_format=options.output_format,
        hints=hints,
        vividness=vividness,
    )
    return rerun_job(job, options=options, refines=job)


def _analysis(job: ColorizationJob) -> ColourAnalysis:
    """The model's colour distribution of the job's photo without pins, cached per process."""
    model = job.options.get("model", "large")
    config = engine_config()
    key = (job.task_id, str(resolve_model(model, config).path))
    with _analyses_lock:
        found = _analyses.get(key)
        if found is not None:
            _analyses.move_to_end(key)
            return found
    analysis = engine.analyze(stored_input(job), engine.ColorizeOptions(model=model), config)
    with _analyses_lock:
        _analyses[key] = analysis
        while len(_analyses) > _ANALYSES_KEPT:
            _analyses.popitem(last=False)
    return analysis
