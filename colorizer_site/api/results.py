"""Signed result links: the download behind `result_url`, usable without a session or key."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from colorizer_site.jobs import links


@require_GET
@never_cache
def result(request: HttpRequest, token: str) -> HttpResponse:
    try:
        job = links.job_for_result_token(token)
    except links.ResultLinkExpired:
        return HttpResponse(
            "This result link has expired; ask the API for the task again to get a fresh one.",
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    if job is None:
        raise Http404("No result behind this link.")
    meta = job.result_meta or {}
    extension = job.result_file.name.rsplit(".", 1)[-1]
    return FileResponse(
        job.result_file.open("rb"),
        content_type=meta.get("content_type") or "application/octet-stream",
        filename=f"colorized-{job.task_id}.{extension}",
    )
