"""The site's URLs plus views whose database is unreachable (tests/ops/test_unavailable.py)."""

import errno

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from colorizer_site.urls import handler500  # noqa: F401
from colorizer_site.urls import urlpatterns as site_urlpatterns


def unreachable(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def disk_full(request: HttpRequest) -> HttpResponse:
    raise OSError(errno.ENOSPC, "No space left on device")


def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug")


urlpatterns = [
    path("gallery-down/", unreachable),
    path("api/v1/down", unreachable),
    path("api/tasks/visual/down", unreachable),
    path("bug/", broken),
    path("upload-full/", disk_full),
    path("api/v1/full", disk_full),
    *site_urlpatterns,
]
