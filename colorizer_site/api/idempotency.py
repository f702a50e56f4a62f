"""`Idempotency-Key` on the POST endpoints: a retried request gets the first response.

A network error after a colorization was charged leaves the client unsure
whether it went through; retrying with the same key is then safe. The first
request claims the key (a unique row per API key), runs, and stores its
response; a retry with the same request replays that response and runs
nothing, so nothing is charged twice. The same key on a different request, or
while the first is still running, is a conflict (409).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from colorizer_site.api.models import IdempotentRequest
from colorizer_site.api.parsing import read_form

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User
    from colorizer_site.keys.models import ApiKey

MAX_KEY_LENGTH = 255
# How long a stored response answers retries.
RETENTION = timedelta(hours=24)
# A claim still open this long after the request's longest possible run means the
# process handling it died; the key is then free again.
ABANDONED_AFTER_EXTRA = timedelta(minutes=2)


class IdempotencyConflict(Exception):
    """The key cannot be used for this request now; `str()` says why."""


def forget_owner(user: User) -> int:
    """Delete every stored response of `user`'s keys (account deletion: a sync answer
    can hold the colorized photo as base64); how many there were."""
    removed, _ = IdempotentRequest.objects.filter(api_key__user=user).delete()
    return removed


def fingerprint(request: HttpRequest) -> str:
    """A hash of what the request asks for: method, path, fields and file contents.

    The raw body is not hashed: multipart boundaries differ on every retry.
    """
    fields, files = read_form(request)
    digest = hashlib.sha256()
    for part in (request.method or "", request.path):
        digest.update(part.encode() + b"\0")
    for source in (request.GET, fields):
        for name in sorted(source):
            for value in source.getlist(name):
                digest.update(f"{name}={value}".encode() + b"\0")
        digest.update(b"\1")
    for name in sorted(files):
        for upload in files.getlist(name):
            content = hashlib.sha256()
            for chunk in upload.chunks():
                content.update(chunk)
            upload.seek(0)
            digest.update(f"{name}:{upload.name}:{content.hexdigest()}".encode() + b"\0")
    return digest.hexdigest()


def claim(*, api_key: ApiKey, key: str, request_hash: str) -> tuple[IdempotentRequest, bool]:
    """(record, True) when this request now owns the key and must run; (record, False)
    when an earlier identical request finished and its response should be replayed.

    Raises IdempotencyConflict for a different request under the same key, or while
    the first request is still running.
    """
    now = timezone.now()
    abandoned = (
        now - timedelta(seconds=settings.COLORIZER_SYNC_WAIT_SECONDS) - ABANDONED_AFTER_EXTRA
    )
    # Expired answers of this API key go now, whatever their key: stored bodies
    # can be whole images, and nothing else sweeps them.
    IdempotentRequest.objects.filter(api_key=api_key, created_at__lt=now - RETENTION).delete()
    IdempotentRequest.objects.filter(
        api_key=api_key, key=key, status_code__isnull=True, created_at__lt=abandoned
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(
                api_key=api_key, key=key, request_hash=request_hash
            )
        return record, True
    except IntegrityError:
        pass
    existing = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
    if existing is None or not existing.completed:
        if existing is not None and existing.request_hash != request_hash:
            raise IdempotencyConflict(_DIFFERENT_REQUEST)
        raise IdempotencyConflict(
            "A request with this Idempotency-Key is still being processed; "
            "retry once it has finished."
        )
    if existing.request_hash != request_hash:
        raise IdempotencyConflict(_DIFFERENT_REQUEST)
    return existing, False


_DIFFERENT_REQUEST = (
    "This Idempotency-Key was already used for a different request; "
    "use a new key for a new request."
)


def should_store(response: HttpResponse) -> bool:
    """Final answers are stored; a rate limit, a conflict or a server-side failure is not,
    so a retry can still succeed."""
    return response.status_code < 500 and response.status_code not in (409, 429)


def complete(record: IdempotentRequest, response: HttpResponse) -> None:
    if not should_store(response):
        release(record)
        return
    record.status_code = response.status_code
    record.content_type = response.get("Content-Type", "")[:100]
    record.body = response.content
    record.save(update_fields=["status_code", "content_type", "body"])


def release(record: IdempotentRequest) -> None:
    """Free the key after a request that should not be replayed."""
    IdempotentRequest.objects.filter(pk=record.pk).delete()


def replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status_code, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response
