"""The API views' shared behaviour, as decorators stacked under `api_key_required`:

@credits_header           every answer to an identified key says its balance
@rate_limited(dialect)    RateLimit-Policy / RateLimit headers; 429 + Retry-After past the bucket
@credits_charged          creates say what they charged (X-Credits-Charged)
@idempotent(dialect)      Idempotency-Key: replay or 409
@renders_errors(dialect)  (api.errors) domain errors to the dialect's refusal
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from colorizer_site.api import idempotency, ratelimit
from colorizer_site.api.errors import ApiError, Dialect
from colorizer_site.credits.services import balance_of

View = Callable[..., HttpResponse]


def credits_header(view: View) -> View:
    """Add X-Credits-Remaining, read after the view so it includes what the view charged.

    A view that knows the balance its charge left (and nothing moved it since, e.g. an
    async create) sets `request.credits_balance` and saves the read.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.credits_balance = None
        response = view(request, *args, **kwargs)
        balance = request.credits_balance
        response["X-Credits-Remaining"] = str(
            balance if balance is not None else balance_of(request.user)
        )
        return response

    return wrapper


def rate_limited(dialect: Dialect) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            allowance = ratelimit.spend(request.api_key)
            if allowance is None:  # rate limiting switched off
                return view(request, *args, **kwargs)
            if allowance.wait > 0:
                seconds = ratelimit.retry_after_header(allowance.wait)
                response = dialect.error_response(
                    ApiError(
                        429,
                        f"Too many requests for this API key; retry in {seconds} s.",
                        headers={"Retry-After": seconds},
                    )
                )
            else:
                response = view(request, *args, **kwargs)
            response["RateLimit-Policy"] = ratelimit.policy_header()
            response["RateLimit"] = ratelimit.limit_header(allowance)
            return response

        return wrapper

    return decorate


def credits_charged(view: View) -> View:
    """Add X-Credits-Charged: what this request took from the balance and kept.

    The view records it on `request.credits_charged` once its job is charged; a
    refusal, a replayed answer (the view does not run) and a job that failed (and
    was refunded) within the call report 0.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.credits_charged = 0
        response = view(request, *args, **kwargs)
        response["X-Credits-Charged"] = str(request.credits_charged)
        return response

    return wrapper


def idempotent(dialect: Dialect) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = request.headers.get("Idempotency-Key", "").strip()
            if not key:
                return view(request, *args, **kwargs)
            if len(key) > idempotency.MAX_KEY_LENGTH:
                return dialect.error_response(
                    ApiError(400, "The Idempotency-Key header is longer than 255 characters.")
                )
            try:
                record, fresh = idempotency.claim(
                    api_key=request.api_key,
                    key=key,
                    request_hash=idempotency.fingerprint(request),
                )
            except idempotency.IdempotencyConflict as conflict:
                return dialect.error_response(ApiError(409, str(conflict)))
            except ApiError as error:
                return dialect.error_response(error)
            if not fresh:
                return idempotency.replay(record)
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                idempotency.release(record)
                raise
            idempotency.complete(record, response)
            return response

        return wrapper

    return decorate
