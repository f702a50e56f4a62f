"""Who may read /healthz and /metrics: listed client addresses, or the bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def _address_allowed(remote: str) -> bool:
    try:
        client = ip_address(remote)
    except ValueError:
        return False
    for allowed in settings.COLORIZER_OPS_ALLOWED_ADDRESSES:
        # Single addresses and networks ("10.0.0.0/8") alike.
        try:
            if client in ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def _token_matches(request: HttpRequest) -> bool:
    token = settings.COLORIZER_OPS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


def operators_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse with 403 (JSON) unless the request comes from an allowed address or
    carries the operators' token."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if _token_matches(request) or _address_allowed(request.META.get("REMOTE_ADDR", "")):
            return view(request, *args, **kwargs)
        return JsonResponse(
            {
                "error": "This address may not read the service's health or metrics; "
                "send the operators' bearer token."
            },
            status=403,
        )

    return wrapper
