"""The task dialect's envelope: `{"status", "message", "data"}` built from a job."""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from colorizer_site.engine.analysis import Alternative
from colorizer_site.jobs.links import read_result, result_url
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.task_data import task_data as task_data_of

RETURN_URL = 1
RETURN_BASE64 = 2
RETURN_BINARY = 3


def task_response(request: HttpRequest, job: ColorizationJob, *, return_type: int) -> HttpResponse:
    """The job as the dialect shows it; a finished job's bytes themselves for return_type 3."""
    if return_type == RETURN_BINARY and job.succeeded:
        return binary_result(job)
    # A failed task is still a successful call: the envelope is 200 and the
    # message carries the reason, next to the negative state.
    message = "success" if not job.failed else (job.error_message or "The colorization failed.")
    return JsonResponse(
        {"status": 200, "message": message, "data": task_data(request, job, return_type)}
    )


def task_data(request: HttpRequest, job: ColorizationJob, return_type: int) -> dict[str, Any]:
    image = _image(request, job, return_type) if job.succeeded else None
    return task_data_of(job, base_url=absolute_base(request), image=image)


def binary_result(job: ColorizationJob) -> HttpResponse:
    meta = job.result_meta or {}
    response = HttpResponse(
        _result_bytes(job), content_type=meta.get("content_type") or "application/octet-stream"
    )
    response["X-Task-Id"] = job.task_id
    return response


def absolute_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _image(request: HttpRequest, job: ColorizationJob, return_type: int) -> str:
    if return_type == RETURN_BASE64:
        return base64.b64encode(_result_bytes(job)).decode("ascii")
    return result_url(job, absolute_base=absolute_base(request))


def _result_bytes(job: ColorizationJob) -> bytes:
    return read_result(job)


def palette_response(
    job: ColorizationJob, *, x: float, y: float, colours: list[Alternative]
) -> JsonResponse:
    """The palette extension's answer: colours at a point, best first."""
    data = {
        "task_id": job.task_id,
        "x": x,
        "y": y,
        "colors": [
            {"color": colour.color, "probability": round(colour.probability, 4)}
            for colour in colours
        ],
    }
    return JsonResponse({"status": 200, "message": "success", "data": data})
