"""The "Adjust colours" panel of a job page: free previews, the model's colours at a point, the
confidence view, and Apply (a charged refinement job). The rules are in jobs.adjustments."""

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


def free_and_limited(view: View) -> View:
    """Count the request against the user's preview allowance (429 past it) and answer
    the refusals (a bad pin, a point off the photo) as JSON with the reason."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            adjustments.check_preview_rate(request.user)
            return view(request, *args, **kwargs)
        except DomainError as error:
            return JsonResponse({"error": str(error)}, status=error.status, headers=error.headers())

    return wrapper


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
    try:
        x, y = float(request.GET.get("x", "")), float(request.GET.get("y", ""))
    except ValueError:
        return JsonResponse({"error": "x and y must be numbers of pixels."}, status=400)
    colours = adjustments.alternatives(job, x=x, y=y)
    return JsonResponse(
        {"colors": [{"color": c.color, "probability": c.probability} for c in colours]}
    )


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


def _private(response: HttpResponse) -> HttpResponse:
    # One user's photo, and a preview is only good until the next change.
    response["Cache-Control"] = "private, no-store"
    return response
