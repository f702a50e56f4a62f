"""The task dialect (PicWish-compatible): create a colorization task, then poll it."""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from colorizer_site.api.bodies import facts_from_form
from colorizer_site.api.decorators import credits_charged, credits_header, idempotent, rate_limited
from colorizer_site.api.envelopes import palette_response, task_response
from colorizer_site.api.errors import TASKS, ApiError, renders_errors
from colorizer_site.api.parsing import parse_create_task, parse_get_task, parse_point
from colorizer_site.jobs import adjustments, facts
from colorizer_site.jobs import services as jobs
from colorizer_site.jobs.endings import wait_for_job
from colorizer_site.jobs.limits import Surface, limits_for
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.decorators import api_key_required

_TASK_ID = re.compile(r"[0-9a-f]{32}")


@require_POST
@api_key_required(on_failure=TASKS.auth_failure)
@credits_header
@rate_limited(TASKS)
@credits_charged
@idempotent(TASKS)
@renders_errors(TASKS)
def create_task(request: HttpRequest) -> HttpResponse:
    task = parse_create_task(request)
    given = facts_from_form(request.POST)
    job = jobs.submit_job_from_photo(
        data=task.image.data,
        url=task.image.url,
        filename=task.image.filename,
        owner=request.user,
        options=task.options,
        source=ColorizationJob.Source.API,
        api_key=request.api_key,
        callback_url=task.callback_url,
        limits=limits_for(Surface.TASKS),
    )
    if given is not None:
        facts.save_facts(job, given)
    if task.sync:
        job = wait_for_job(job, timeout=settings.COLORIZER_SYNC_WAIT_SECONDS)
    else:
        request.credits_balance = job.balance_after_charge
    request.credits_charged = 0 if job.failed else job.cost
    return task_response(request, job, return_type=task.return_type)


@require_GET
@api_key_required(on_failure=TASKS.auth_failure)
@credits_header
@rate_limited(TASKS)
@renders_errors(TASKS)
def task_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    return_type = parse_get_task(request)
    return task_response(request, _own_task(request, task_id), return_type=return_type)


@require_GET
@api_key_required(on_failure=TASKS.auth_failure)
@credits_header
@rate_limited(TASKS)
@renders_errors(TASKS)
def task_palette(request: HttpRequest, task_id: str) -> HttpResponse:
    """Extension: the model's likeliest colours at a point of the task's photo; free."""
    x, y, count = parse_point(request)
    job = _own_task(request, task_id)
    if not job.input_file:
        raise ApiError(404, "The photo of this task is no longer stored.")
    colours = adjustments.alternatives(job, x=x, y=y, count=count)
    return palette_response(job, x=x, y=y, colours=colours)


def _own_task(request: HttpRequest, task_id: str) -> ColorizationJob:
    job = None
    if _TASK_ID.fullmatch(task_id):
        job = ColorizationJob.objects.visible_to(request.user).filter(task_id=task_id).first()
    if job is None:
        raise ApiError(404, "No task with this task_id belongs to your account.")
    return job
