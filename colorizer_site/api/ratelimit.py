"""Per-key token buckets: COLORIZER_RATE_LIMIT_PER_SECOND requests a second, bursts of
COLORIZER_RATE_LIMIT_BURST.

The bucket is a database row read and written under `SELECT ... FOR UPDATE`, so
every web process and machine shares one count per key; a process-local or
cache-based counter would let each worker grant its own burst (the database
cache has no atomic update to build a correct one on).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from colorizer_site.api.models import RateLimitBucket

if TYPE_CHECKING:
    from colorizer_site.keys.models import ApiKey


def take_token(api_key: ApiKey, *, now: float | None = None) -> float:
    """Spend one request from the key's bucket: 0.0 if allowed, else seconds until one is."""
    rate = float(settings.COLORIZER_RATE_LIMIT_PER_SECOND)
    burst = float(settings.COLORIZER_RATE_LIMIT_BURST)
    if rate <= 0:
        return 0.0  # rate limiting switched off
    now = time.time() if now is None else now
    with transaction.atomic():
        bucket = RateLimitBucket.objects.select_for_update().filter(api_key=api_key).first()
        if bucket is None:
            # Two first requests may race to create the row; the loser reads the winner's.
            RateLimitBucket.objects.bulk_create(
                [RateLimitBucket(api_key=api_key, tokens=burst, refilled_at=now)],
                ignore_conflicts=True,
            )
            bucket = RateLimitBucket.objects.select_for_update().get(api_key=api_key)
        elapsed = max(0.0, now - bucket.refilled_at)
        tokens = min(burst, bucket.tokens + elapsed * rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / rate
        RateLimitBucket.objects.filter(pk=bucket.pk).update(tokens=tokens, refilled_at=now)
    return wait


def retry_after_header(wait: float) -> str:
    """Retry-After takes whole seconds; round up so a client that obeys it gets through."""
    return str(max(1, math.ceil(wait)))
