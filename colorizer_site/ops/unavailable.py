"""A database that does not answer (restarting, failing over, out of connections) is a
moment's unavailability, not a bug: pages say so with 503 and Retry-After instead of
"something went wrong", so people and programs know to try again."""

from __future__ import annotations

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

# Errors of a database that cannot be reached, as opposed to a query that is wrong.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError)
# A media disk that is full (or over quota): no new photo can be stored until it is freed.
STORAGE_FULL = {errno.ENOSPC, errno.EDQUOT}
RETRY_AFTER_SECONDS = 5


def is_temporary(error: BaseException | None) -> bool:
    """An outage of the database or the media disk rather than a bug."""
    return isinstance(error, DATABASE_UNREACHABLE) or (
        isinstance(error, OSError) and error.errno in STORAGE_FULL
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 with Retry-After when the database was unreachable or the media disk
    full, else the 500 page.

    Rendered without a request context: the context processors would query the
    database that just failed.
    """
    if is_temporary(sys.exc_info()[1]):
        page = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return django_server_error(request)
