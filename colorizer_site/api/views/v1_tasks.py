"""The colorize dialect's task calls: the account's task list, cancelling a task, and where
one colour pin would help a task's photo most."""

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from colorizer_site.api.decorators import credits_header, rate_limited
from colorizer_site.api.envelopes import absolute_base
from colorizer_site.api.errors import V1, ApiError, renders_errors
from colorizer_site.api.parsing import (
    TaskListRequest,
    parse_list_tasks,
    parse_suggestions,
    task_cursor,
)
from colorizer_site.jobs import adjustments
from colorizer_site.jobs.endings import cancel_job
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.task_data import listed_task
from colorizer_site.keys.decorators import api_key_required

State = ColorizationJob.State
_STATE_FILTERS = {
    "queued": Q(state=State.QUEUED),
    "processing": Q(state__gte=State.PROCESSING),
    "succeeded": Q(state=State.SUCCEEDED),
    "failed": Q(state__lt=0) & ~Q(state=State.CANCELLED),
    "cancelled": Q(state=State.CANCELLED),
}


@require_GET
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def task_list(request: HttpRequest) -> HttpResponse:
    query = parse_list_tasks(request)
    # One row more than the page shows whether there is a next page.
    page = list(
        _filtered(ColorizationJob.objects.visible_to(request.user), query)[: query.limit + 1]
    )
    more = len(page) > query.limit
    page = page[: query.limit]
    base_url = absolute_base(request)
    return JsonResponse(
        {
            "tasks": [listed_task(job, base_url=base_url) for job in page],
            "nextCursor": task_cursor(page[-1]) if more else None,
        }
    )


@require_POST
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def task_cancel(request: HttpRequest, task_id: str) -> HttpResponse:
    job = cancel_job(_own_task(request, task_id))
    return JsonResponse(
        listed_task(job, base_url=absolute_base(request)), status=200 if job.is_finished else 202
    )


@require_GET
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def task_suggestions(request: HttpRequest, task_id: str) -> HttpResponse:
    """Free, like the palette: the key's rate limit is the only bound."""
    count = parse_suggestions(request)
    job = _own_task(request, task_id)
    if not job.input_file:
        raise ApiError(404, "The photo of this task is no longer stored.")
    found = adjustments.suggestions(job, count=count)
    return JsonResponse(
        {"taskId": job.task_id, "suggestions": [adjustments.suggestion_data(s) for s in found]}
    )


def _own_task(request: HttpRequest, task_id: str) -> ColorizationJob:
    job = ColorizationJob.objects.visible_to(request.user).filter(task_id=task_id).first()
    if job is None:
        raise ApiError(404, "No task with this task_id belongs to your account.")
    return job


def _filtered(tasks: QuerySet[ColorizationJob], query: TaskListRequest) -> QuerySet:
    if query.state:
        tasks = tasks.filter(_STATE_FILTERS[query.state])
    if query.created_after:
        tasks = tasks.filter(created_at__gte=query.created_after)
    if query.created_before:
        tasks = tasks.filter(created_at__lt=query.created_before)
    if query.after:
        created_at, row_id = query.after
        tasks = tasks.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=row_id))
    return tasks.order_by("-created_at", "-id")
