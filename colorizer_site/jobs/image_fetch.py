"""Download the photo a job names by URL (`image_url`), with the safe HTTP client's
address checks, and say what went wrong in the words a job's failure uses."""

from __future__ import annotations

from django.conf import settings

from colorizer_site.lib import safe_http
from colorizer_site.lib.errors import DomainError


class ImageFetchError(DomainError):
    """The image URL could not be downloaded; `str()` says why in plain words."""

    # The remote server failed us: a bad gateway, not the caller's fault.
    status = 502
    code = "download_failed"
    # The task dialect's state for it, like the engine errors'
    # (docs/architecture.md, "A job's life").
    task_state = -3
    about = "image_url"


class InvalidImageUrl(ImageFetchError):
    """The URL the user gave is not one we fetch (not http/https, no host, or it or a
    redirect leads to an address we refuse): their request is at fault, not the
    remote server, so both API dialects answer 400 rather than 502."""

    status = 400


def fetch_limits() -> safe_http.FetchLimits:
    return safe_http.FetchLimits(
        max_bytes=settings.COLORIZER_MAX_UPLOAD_BYTES,
        timeout=settings.COLORIZER_URL_FETCH_TIMEOUT,
        max_redirects=settings.COLORIZER_URL_FETCH_MAX_REDIRECTS,
        allow_loopback=settings.COLORIZER_URL_FETCH_ALLOW_LOOPBACK,
    )


def fetch_image(url: str, *, limits: safe_http.FetchLimits | None = None) -> bytes:
    """The body at `url` (http/https, public addresses only), or ImageFetchError."""
    try:
        return safe_http.fetch(url, limits=limits or fetch_limits())
    except safe_http.RefusedUrl as error:
        raise InvalidImageUrl(str(error)) from error
    except safe_http.FetchError as error:
        raise ImageFetchError(str(error)) from error
