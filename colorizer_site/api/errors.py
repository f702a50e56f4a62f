"""How both API dialects write an error: the task dialect's envelope and v1's `{"error"}`.

The services raise their own errors, each a `lib.errors.DomainError` that carries
its sentence, HTTP status and task state (credits' InsufficientCredits, the
engine's InvalidImage, jobs' InvalidJobOptions, ...); pages read the same three
facts (web/errors.py). `ApiError` is for the refusals the API makes itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from colorizer_site.engine.errors import ImageTooLarge, InvalidImage
from colorizer_site.jobs.endings import JobTimedOut
from colorizer_site.jobs.image_fetch import ImageFetchError
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.lib.errors import DomainError

View = Callable[..., HttpResponse]


class ApiError(DomainError):
    """A refusal of the API's own (a bad parameter, an unknown task), its status given here."""

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
        self.task_state = state
        self._extra = extra or {}
        self._headers = headers or {}

    def details(self) -> dict[str, Any]:
        return self._extra

    def headers(self) -> dict[str, str]:
        return self._headers


# A synchronous call whose job failed in the worker answers with the status of the
# error that failed it (each error class says it once); other failures are a 500.
_FAILED_JOB_STATUS = {
    error.task_state: error.status
    for error in (ImageTooLarge, InvalidImage, ImageFetchError, JobTimedOut)
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
    render: Callable[[DomainError], dict[str, Any]] = field(repr=False)

    def error_response(self, error: DomainError) -> JsonResponse:
        response = JsonResponse(self.render(error), status=error.status)
        for header, value in error.headers().items():
            response[header] = value
        return response

    def auth_failure(self, request: HttpRequest, message: str) -> JsonResponse:
        return self.error_response(ApiError(401, message))


def _message(error: DomainError) -> str:
    """The sentence, led by the parameter at fault where the error names one."""
    message = str(error)
    if error.field and not message.startswith(error.field):
        message = f"{error.field}: {message}"
    return message


def _task_body(error: DomainError) -> dict[str, Any]:
    data: dict[str, Any] = {}
    details = error.details()
    if error.task_state is not None:
        data["state"] = int(error.task_state)
    if "taskId" in details:
        data["task_id"] = details["taskId"]
    if "field" in details:
        data["field"] = details["field"]
    return {"status": error.status, "message": _message(error), "data": data}


def _v1_body(error: DomainError) -> dict[str, Any]:
    return {"error": _message(error), **error.details()}


TASKS = Dialect("task", _task_body)
V1 = Dialect("v1", _v1_body)


def renders_errors(dialect: Dialect) -> Callable[[View], View]:
    """Turn the domain errors a view lets through into the dialect's error response."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                return dialect.error_response(error)

        return wrapper

    return decorate
