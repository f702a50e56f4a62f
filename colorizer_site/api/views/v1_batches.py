"""The colorize dialect's batches: several photos in one call, one status, one ZIP."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from colorizer_site.api.decorators import credits_charged, credits_header, idempotent, rate_limited
from colorizer_site.api.envelopes import absolute_base
from colorizer_site.api.errors import V1, ApiError, renders_errors
from colorizer_site.api.parsing import parse_create_batch
from colorizer_site.jobs.batches import submit_batch
from colorizer_site.jobs.models import Batch
from colorizer_site.jobs.task_data import batch_data
from colorizer_site.jobs.uploads import uploads_to_temporary_files
from colorizer_site.keys.decorators import api_key_required


@require_POST
@api_key_required(on_failure=V1.auth_failure)
@uploads_to_temporary_files
@credits_header
@rate_limited(V1)
@credits_charged
@idempotent(V1)
@renders_errors(V1)
def batch_create(request: HttpRequest) -> HttpResponse:
    form = parse_create_batch(request)
    batch = submit_batch(
        owner=request.user,
        sources=form.photos,
        skipped=form.skipped,
        options=form.options,
        api_key=request.api_key,
        callback_url=form.callback_url,
    )
    request.credits_charged = batch.cost
    batch.refresh_from_db()  # a worker may have completed it already
    return JsonResponse(batch_data(batch, base_url=absolute_base(request)), status=201)


@require_GET
@api_key_required(on_failure=V1.auth_failure)
@credits_header
@rate_limited(V1)
@renders_errors(V1)
def batch_detail(request: HttpRequest, batch_id: str) -> HttpResponse:
    batch = Batch.objects.visible_to(request.user).filter(batch_id=batch_id).first()
    if batch is None:
        raise ApiError(404, "No batch with this batch_id belongs to your account.")
    return JsonResponse(batch_data(batch, base_url=absolute_base(request)))
