"""The colorize dialect (`/api/v1`): one synchronous call, and the account's balance."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from colorizer_site.api.bodies import facts_from_form
from colorizer_site.api.decorators import credits_charged, credits_header, idempotent, rate_limited
from colorizer_site.api.envelopes import absolute_base
from colorizer_site.api.errors import V1, ApiError, failed_job_error, renders_errors
from colorizer_site.api.parsing import parse_colorize
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs import facts
from colorizer_site.jobs import services as jobs
from colorizer_site.jobs.endings import wait_for_job
from colorizer_site.jobs.limits import Surface, limits_for
from colorizer_site.jobs.links import result_url
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.decorators import api_key_required


@require_POST
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@credits_charged
@idempotent(V1)
@renders_errors(V1)
def colorize(request: HttpRequest) -> HttpResponse:
    form = parse_colorize(request)
    given = facts_from_form(request.POST)
    job = jobs.submit_job_from_photo(
        data=form.image.data,
        url=form.image.url,
        filename=form.image.filename,
        owner=request.user,
        options=form.options,
        source=ColorizationJob.Source.API,
        api_key=request.api_key,
        callback_url=form.callback_url,
        limits=limits_for(Surface.V1),
    )
    if given is not None:
        facts.save_facts(job, given)
    job = wait_for_job(job, timeout=settings.COLORIZER_SYNC_WAIT_SECONDS)
    request.credits_charged = 0 if job.failed else job.cost
    if job.succeeded:
        return JsonResponse(
            {
                "outputUrl": result_url(job, absolute_base=absolute_base(request)),
                "mode": form.options.mode,
                "photoKind": job.result_meta.get("photo_kind") or None,
            }
        )
    if job.failed:
        raise failed_job_error(job)
    raise ApiError(
        504,
        f"The colorization is not finished after {settings.COLORIZER_SYNC_WAIT_SECONDS} s; "
        f"poll GET /api/tasks/visual/colorization/{job.task_id} for the result.",
        extra={"taskId": job.task_id},
    )


@require_GET
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
def account(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "credits": balance_of(request.user),
            "keyName": request.api_key.name,
            "keyPrefix": request.api_key.prefix,
        }
    )
