"""`api_key_required`: authenticate API views with the `X-API-KEY` header."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from colorizer_site.keys import services

MISSING_KEY = "Missing API key: send your key in the X-API-KEY header."
MALFORMED_KEY = (
    "Malformed API key: Colorizer keys look like cz_xxxxxxxx_… (see your API keys page)."
)
INVALID_KEY = "Invalid API key: it is unknown, revoked, or its account is inactive."

View = Callable[..., HttpResponse]
FailureHandler = Callable[[HttpRequest, str], HttpResponse]


def _default_failure(request: HttpRequest, message: str) -> HttpResponse:
    return JsonResponse({"error": message}, status=401)


def api_key_required(view: View | None = None, *, on_failure: FailureHandler | None = None) -> Any:
    """Let the request through only with a live key; sets `request.api_key` and
    `request.user` (the key's owner).

    Use bare (`@api_key_required`) or with `on_failure(request, message)` to render
    a refusal in the API dialect's own envelope; by default it is a 401 JSON
    `{"error": message}`. The wrapped view is CSRF-exempt: it is authenticated by
    the header, never by the session cookie, so a cross-site form cannot use it.
    """

    def decorate(view_func: View) -> View:
        @wraps(view_func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # request.headers is case-insensitive: x-api-key and X-Api-Key work too.
            raw_key = request.headers.get("X-API-KEY", "").strip()
            message = None
            if not raw_key:
                message = MISSING_KEY
            elif not services.is_well_formed(raw_key):
                message = MALFORMED_KEY
            else:
                key = services.authenticate(raw_key)
                if key is None:
                    message = INVALID_KEY
            if message is not None:
                return (on_failure or _default_failure)(request, message)
            request.api_key = key
            request.user = key.user
            return view_func(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    if view is not None:
        return decorate(view)
    return decorate
