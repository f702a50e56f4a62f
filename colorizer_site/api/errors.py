"""Where the domain's errors become HTTP statuses, task-dialect state codes and bodies.

The services raise their own errors (credits' InsufficientCredits, the engine's
InvalidImage, jobs' InvalidJobOptions, image_fetch's ImageFetchError); this module
is the one place that says what each means on the wire, for both dialects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from colorizer_site.credits.services import InsufficientCredits
from colorizer_site.engine.errors import EngineError, InvalidOptions, ModelNotInstalled
from colorizer_site.jobs.albums import InvalidAlbum
from colorizer_site.jobs.batches import InvalidBatch
from colorizer_site.jobs.endings import JobAlreadyFinished
from colorizer_site.jobs.facts import InvalidFacts
from colorizer_site.jobs.image_fetch import ImageFetchError, InvalidImageUrl
from colorizer_site.jobs.links import ResultExpired
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import InvalidJobOptions

State = ColorizationJob.State
View = Callable[..., HttpResponse]


class ApiError(Exception):
    """A refusal with its HTTP status; `state` is the task dialect's code where one applies."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        state: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.state = state
        self.extra = extra or {}
        self.headers = headers or {}


def api_error_for(error: Exception) -> ApiError | None:
    """The wire form of a domain error, or None for an error nobody planned for (a bug)."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, InsufficientCredits):
        return ApiError(403, str(error))
    if isinstance(error, ResultExpired):
        return ApiError(410, str(error), extra={"taskId": error.task_id} if error.task_id else {})
    if isinstance(error, InvalidJobOptions):
        return ApiError(400, str(error))
    if isinstance(error, InvalidBatch | InvalidFacts | InvalidAlbum):
        return ApiError(400, str(error))
    if isinstance(error, JobAlreadyFinished):
        return ApiError(409, str(error))
    if isinstance(error, InvalidOptions):
        message = str(error)
        if not message.startswith(error.field):
            message = f"{error.field}: {message}"
        return ApiError(400, message, extra={"field": error.field})
    if isinstance(error, ModelNotInstalled):
        return ApiError(503, str(error))
    if isinstance(error, InvalidImageUrl):
        # The caller's URL is at fault, not the remote server: a 400, not a 502.
        return ApiError(400, str(error), state=error.task_state)
    if isinstance(error, ImageFetchError):
        return ApiError(502, str(error), state=error.task_state)
    if isinstance(error, EngineError):
        # Each error names its task state (engine.errors); the status follows from it.
        return ApiError(
            _FAILED_JOB_STATUS.get(error.task_state, 500), str(error), state=error.task_state
        )
    return None


# A synchronous call whose job failed in the worker: the status that says so.
_FAILED_JOB_STATUS = {
    State.IMAGE_TOO_LARGE: 400,
    State.INVALID_IMAGE: 400,
    State.DOWNLOAD_FAILED: 502,
    State.TIMED_OUT: 504,
}


def failed_job_error(job: ColorizationJob) -> ApiError:
    message = job.error_message or "The colorization failed."
    if job.cost:
        message += f" The {job.cost} credit{'s' if job.cost != 1 else ''} charged were refunded."
    status = _FAILED_JOB_STATUS.get(job.state, 500)
    return ApiError(status, message, state=job.state, extra={"taskId": job.task_id})


@dataclass(frozen=True)
class Dialect:
    """How one API dialect writes a refusal."""

    name: str
    render: Callable[[ApiError], dict[str, Any]] = field(repr=False)

    def error_response(self, error: ApiError) -> JsonResponse:
        response = JsonResponse(self.render(error), status=error.status)
        for header, value in error.headers.items():
            response[header] = value
        return response

    def auth_failure(self, request: HttpRequest, message: str) -> JsonResponse:
        return self.error_response(ApiError(401, message))


def _task_body(error: ApiError) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if error.state is not None:
        data["state"] = int(error.state)
    if "taskId" in error.extra:
        data["task_id"] = error.extra["taskId"]
    if "field" in error.extra:
        data["field"] = error.extra["field"]
    return {"status": error.status, "message": error.message, "data": data}


def _v1_body(error: ApiError) -> dict[str, Any]:
    return {"error": error.message, **error.extra}


TASKS = Dialect("task", _task_body)
V1 = Dialect("v1", _v1_body)


def renders_errors(dialect: Dialect) -> Callable[[View], View]:
    """Turn the domain errors a view lets through into the dialect's error response."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except Exception as error:
                api_error = api_error_for(error)
                if api_error is None:
                    raise
                return dialect.error_response(api_error)

        return wrapper

    return decorate
