"""Per-key token buckets: COLORIZER_RATE_LIMIT_PER_SECOND requests a second, bursts of
COLORIZER_RATE_LIMIT_BURST.

The bucket is a database row changed by conditional UPDATEs, so every web
process and machine shares one count per key; a process-local or cache-based
counter would let each worker grant its own burst (the database cache has no
atomic update to build a correct one on).
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.db.models.lookups import GreaterThanOrEqual

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
    if _spend(api_key, now=now, rate=rate, burst=burst):
        return 0.0
    # Rare paths: the key's first request, or an empty bucket.
    _, created = RateLimitBucket.objects.get_or_create(
        api_key=api_key, defaults={"tokens": burst - 1.0, "refilled_at": now}
    )
    if created:
        return 0.0
    bucket = RateLimitBucket.objects.filter(api_key=api_key).first()
    if bucket is None:  # the key was deleted meanwhile
        return 0.0
    tokens = min(burst, bucket.tokens + max(0.0, now - bucket.refilled_at) * rate)
    if tokens >= 1.0 and _spend(api_key, now=now, rate=rate, burst=burst):
        return 0.0  # another process created the row between our two queries
    return max(1.0 - tokens, 0.0) / rate or 1.0 / rate


def _spend(api_key: ApiKey, *, now: float, rate: float, burst: float) -> bool:
    """Refill and take one token in a single conditional UPDATE.

    The database does the arithmetic on the row it updates, so concurrent
    requests cannot both take the last token, and the common case costs one
    statement, with no explicit transaction or row lock.
    """
    available = Least(
        Value(burst), F("tokens") + Greatest(Value(0.0), Value(now) - F("refilled_at")) * rate
    )
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        return bool(
            RateLimitBucket.objects.filter(api_key=api_key)
            .filter(GreaterThanOrEqual(available, 1.0))
            .update(tokens=available - 1.0, refilled_at=now)
        )


def _commit_without_waiting_for_disk() -> None:
    """On PostgreSQL, let this transaction commit without waiting for the WAL flush.

    Every API request spends a token, and a durable commit costs a disk flush
    (milliseconds) per request. A crash can lose at most the last few spends,
    which only means a few requests more than the limit once. Only done for a
    transaction of its own: SET LOCAL inside a caller's transaction would make
    the caller's writes (a charge, say) non-durable too.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or len(connection.atomic_blocks) != 1:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def retry_after_header(wait: float) -> str:
    """Retry-After takes whole seconds; round up so a client that obeys it gets through."""
    return str(max(1, math.ceil(wait)))
