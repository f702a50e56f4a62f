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
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from colorizer_site import engine
from colorizer_site.engine.analysis import Alternative, ColourAnalysis, PinSuggestion
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
SUGGESTION_COUNT = 3  # regions the job page proposes; the API's default too
MAX_SUGGESTIONS = 5
# Analyses kept per process: one photo's colour distribution is about a megabyte,
# and a person adjusting a photo asks for many points of the same one.
_ANALYSES_KEPT = 8
_analyses: OrderedDict[tuple[str, str, bool], ColourAnalysis] = OrderedDict()
_analyses_lock = threading.Lock()
_analyses_making: dict[tuple[str, str, bool], threading.Lock] = {}


class PreviewRateLimited(DomainError):
    """Too many free previews or palettes in the current window; retry after `retry_after` s."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            ngettext(
                "Too many previews at once; try again in %(seconds)s second.",
                "Too many previews at once; try again in %(seconds)s seconds.",
                retry_after,
            )
            % {"seconds": retry_after}
        )
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def check_preview_rate(user: User, *, allowance: str = "preview") -> None:
    """Count one free request for `user`; PreviewRateLimited past the window's allowance.

    The page asks for a pin's reach as the pointer moves over the photo, so those
    requests count in an allowance of their own ("reach"): a moving pointer never
    holds back a preview. A fixed window in the shared cache (the database cache by
    default, so it holds across processes). The cache's increment is not atomic everywhere, so two
    racing requests may both pass: a soft limit, which is all a free preview needs.
    """
    limit = settings.COLORIZER_PREVIEW_LIMIT
    window = settings.COLORIZER_PREVIEW_WINDOW_SECONDS
    if limit <= 0:
        return
    now = time.time()
    slot = int(now // window)
    key = f"{allowance}-rate:{user.pk}:{slot}"
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
    if job.options.get("mode", "colorize") != "colorize":
        return False  # restore keeps the photo's own colours: there is nothing to pin
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


def suggestions(job: ColorizationJob, *, count: int = SUGGESTION_COUNT) -> list[PinSuggestion]:
    """Where one more pin would help the job's photo most (the model unsure over a large
    area, and no pin of the job's own there), best first, each with its outline and the
    model's alternative colours there."""
    if not 1 <= count <= MAX_SUGGESTIONS:
        raise InvalidOptions(f"count must be from 1 to {MAX_SUGGESTIONS}.", field="count")
    return _analysis(job, with_pins=True).suggestions(count)


def suggestion_data(suggestion: PinSuggestion) -> dict[str, Any]:
    """One suggestion as JSON, the same for the job page and the API."""
    return {
        "x": suggestion.x,
        "y": suggestion.y,
        "outline": [[int(x), int(y)] for x, y in suggestion.outline],
        "area": round(suggestion.area, 4),
        "confidence": round(suggestion.confidence, 4),
        "alternatives": [
            {"color": colour.color, "probability": round(colour.probability, 4)}
            for colour in suggestion.alternatives
        ],
    }


def reach(job: ColorizationJob, *, x: float, y: float) -> list[tuple[int, int]]:
    """The outline (photo pixels) of the surface a pin at (x, y) would colour."""
    return _analysis(job).reach(x, y)


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


def _analysis(job: ColorizationJob, *, with_pins: bool = False) -> ColourAnalysis:
    """The model's colour distribution of the job's photo, cached per process: without
    pins (the palette's alternatives at a pinned spot would be the pin's colour alone), or
    `with_pins`, the job's own, for suggestions that leave its pinned surfaces out."""
    model = job.options.get("model", "large")
    config = engine_config()
    hints = JobOptions.from_job(job).hints if with_pins else ()
    key = (job.task_id, str(resolve_model(model, config).path), bool(hints))
    with _analyses_lock:
        found = _analyses.get(key)
        if found is not None:
            _analyses.move_to_end(key)
            return found
        # The page asks for suggestions, reaches and swatches of a new photo at once:
        # one request runs the model, the others wait for its answer.
        making = _analyses_making.setdefault(key, threading.Lock())
    try:
        with making:
            with _analyses_lock:
                found = _analyses.get(key)
            if found is None:
                options = engine.ColorizeOptions(model=model, hints=hints)
                found = engine.analyze(stored_input(job), options, config)
                with _analyses_lock:
                    _analyses[key] = found
                    while len(_analyses) > _ANALYSES_KEPT:
                        _analyses.popitem(last=False)
    finally:
        with _analyses_lock:
            _analyses_making.pop(key, None)
    return found
