"""Uploads of whole batches: every file streamed to a temporary file, never held in memory."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def uploads_to_temporary_files(view: View) -> View:
    """Make the view's request write each uploaded file to a temporary file as it arrives.

    Django keeps files under FILE_UPLOAD_MAX_MEMORY_SIZE in memory, which for a batch of
    two hundred photos would be the whole batch. This must run before anything reads
    request.POST or request.FILES: for a page, under `csrf_exempt` and over `csrf_protect`.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_handlers = [TemporaryFileUploadHandler(request)]
        return view(request, *args, **kwargs)

    return wrapper
