"""No answer under /api/ is HTML: whatever refuses a request there, a program gets JSON
in the dialect's own shape.

The views render their own refusals; this catches the rest, which Django makes
as HTML pages: an unknown URL (404), a wrong method (405, from require_POST and
friends), a body or host Django refuses (400), and an unplanned exception (500).
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse

from colorizer_site.api.errors import TASKS, V1, ApiError, Dialect

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"
TASK_DIALECT_PREFIX = "/api/tasks/"
# Headers of the original refusal that still mean something to the client.
_KEPT_HEADERS = ("Allow", "Retry-After")
_MESSAGES = {
    400: "The request could not be understood.",
    403: "This request is not allowed.",
    404: "There is no API endpoint at this URL; see /api/openapi.json.",
    405: "This endpoint does not accept the {method} method.",
    413: "The request body is too large.",
    500: "The server failed to handle this request; nothing was charged for a failed call.",
    503: "The service is briefly unavailable (its database or file storage is not answering, "
    "or full); nothing was charged. Try again in a little while.",
}
# Seconds a client should wait after a 503 for an unreachable database.
_RETRY_AFTER_SECONDS = 5


def dialect_for(path: str) -> Dialect:
    return TASKS if path.startswith(TASK_DIALECT_PREFIX) else V1


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        message = _MESSAGES.get(status, _MESSAGES[500] if status >= 500 else _MESSAGES[400])
        error = ApiError(
            status,
            message.format(method=request.method),
            headers={name: response[name] for name in _KEPT_HEADERS if name in response},
        )
        json_response = dialect_for(request.path).error_response(error)
        for name, value in response.items():
            if name.lower().startswith(("x-credits", "ratelimit")):
                json_response[name] = value
        return json_response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            status = 404
        elif isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, (OperationalError, InterfaceError)) or (
            isinstance(exception, OSError) and exception.errno in (errno.ENOSPC, errno.EDQUOT)
        ):
            # A database restarting or a full disk: an outage to wait out, not a bug.
            logger.warning("unavailable for %s: %s", request.path, exception)
            error = ApiError(
                503, _MESSAGES[503], headers={"Retry-After": str(_RETRY_AFTER_SECONDS)}
            )
            return dialect_for(request.path).error_response(error)
        else:
            # Returning a response here skips Django's own logging of the error.
            logger.error(
                "Internal Server Error: %s",
                request.path,
                exc_info=exception,
                extra={"status_code": 500, "request": request},
            )
            status = 500
        return dialect_for(request.path).error_response(ApiError(status, _MESSAGES[status]))
