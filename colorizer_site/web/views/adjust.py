"""The "Adjust colours" panel of a job page: free previews, the model's colours at a point, the
confidence view, and Apply (a charged refinement job). The rules are in jobs.adjustments."""

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST, require_safe

from colorizer_site.jobs import adjustments
from colorizer_site.lib.errors import DomainError
from colorizer_site.web.job_forms import GuidanceForm
from colorizer_site.web.views.jobs import owned_job

View = Callable[..., HttpResponse]


def limited_to(allowance: str) -> Callable[[View], View]:
    """Count the request against one of the user's free allowances (429 past it) and
    answer the refusals (a bad pin, a point off the photo) as JSON with the reason."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                adjustments.check_preview_rate(request.user, allowance=allowance)
                return view(request, *args, **kwargs)
            except DomainError as error:
                return JsonResponse(
                    {"error": str(error)}, status=error.status, headers=error.headers()
                )

        return wrapper

    return decorate


free_and_limited = limited_to("preview")


@login_required
@require_safe
@free_and_limited
def job_preview(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    form = GuidanceForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.first_error()}, status=400)
    data = adjustments.preview(
        job,
        hints=form.cleaned_data["hints"],
        vividness=form.cleaned_data["vividness"],
        size=form.cleaned_data["size"],
    )
    return _private(HttpResponse(data, content_type="image/jpeg"))


@login_required
@require_safe
@free_and_limited
def job_palette(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    x, y = _point(request)
    if x is None or y is None:
        return JsonResponse({"error": "x and y must be numbers of pixels."}, status=400)
    colours = adjustments.alternatives(job, x=x, y=y)
    return JsonResponse(
        {"colors": [{"color": c.color, "probability": c.probability} for c in colours]}
    )


@login_required
@require_safe
@free_and_limited
def job_suggestions(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    found = adjustments.suggestions(job)
    return JsonResponse({"suggestions": [adjustments.suggestion_data(s) for s in found]})


@login_required
@require_safe
@limited_to("reach")
def job_reach(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    x, y = _point(request)
    if x is None or y is None:
        return JsonResponse({"error": "x and y must be numbers of pixels."}, status=400)
    outline = adjustments.reach(job, x=x, y=y)
    # The same photo and point always reach the same surface, until the model changes.
    response = JsonResponse({"x": x, "y": y, "outline": [[px, py] for px, py in outline]})
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_safe
@free_and_limited
def job_confidence(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    return _private(HttpResponse(adjustments.unsure_overlay(job), content_type="image/png"))


@login_required
@require_POST
def job_refine(request: HttpRequest, task_id: str) -> HttpResponse:
    job = owned_job(request, task_id)
    form = GuidanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.first_error())
        return redirect("web:job_detail", task_id=job.task_id)
    try:
        refinement = adjustments.refine_job(
            job, hints=form.cleaned_data["hints"], vividness=form.cleaned_data["vividness"]
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("web:job_detail", task_id=job.task_id)
    return redirect("web:job_detail", task_id=refinement.task_id)


def _point(request: HttpRequest) -> tuple[float | None, float | None]:
    """The query's x and y as finite numbers, None for either that is not one."""
    values: list[float | None] = []
    for name in ("x", "y"):
        try:
            value = float(request.GET.get(name, ""))
        except ValueError:
            value = math.nan
        values.append(value if math.isfinite(value) else None)
    return values[0], values[1]


def _private(response: HttpResponse) -> HttpResponse:
    # One user's photo, and a preview is only good until the next change.
    response["Cache-Control"] = "private, no-store"
    return response
