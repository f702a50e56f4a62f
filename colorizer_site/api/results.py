"""Signed result links: the download behind `result_url`, usable without a session or key.

Refusals are JSON in the colorize dialect's `{"error": ...}` shape, like every
other answer under /api/.
"""

import io

from django.http import FileResponse, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from colorizer_site.api.errors import V1, ApiError
from colorizer_site.jobs import links
from colorizer_site.jobs.batches import zip_response
from colorizer_site.jobs.facts import caption_of
from colorizer_site.jobs.files import with_caption


@require_GET
@never_cache
def result(request: HttpRequest, token: str) -> HttpResponse:
    try:
        job = links.job_for_result_token(token)
        if job is None:
            raise ApiError(404, "No result behind this link.")
        handle = job.result_file.open("rb")
    except links.ResultLinkExpired:
        return V1.error_response(
            ApiError(
                410,
                "This result link has expired; ask the API for the task again to get a fresh one.",
            )
        )
    except FileNotFoundError:
        return V1.error_response(ApiError(410, str(links.ResultExpired(job))))
    except (ApiError, links.ResultExpired) as error:
        return V1.error_response(error)
    meta = job.result_meta or {}
    extension = job.result_file.name.rsplit(".", 1)[-1]
    if not caption_of(job).is_empty:
        # The photo's caption goes into the file as it is sent (facts.py says why):
        # read whole to place it; an uncaptioned result streams from storage.
        with handle:
            handle = io.BytesIO(with_caption(job, handle.read()))
    return FileResponse(
        handle,
        content_type=meta.get("content_type") or "application/octet-stream",
        filename=f"colorized-{job.task_id}.{extension}",
    )


@require_GET
@never_cache
def batch_zip(request: HttpRequest, token: str) -> HttpResponse:
    try:
        batch = links.batch_for_zip_token(token)
    except links.ResultLinkExpired:
        return V1.error_response(
            ApiError(410, "This link has expired; ask the API for the batch again.")
        )
    if batch is None:
        return V1.error_response(ApiError(404, "No batch results behind this link."))
    return zip_response(batch)
