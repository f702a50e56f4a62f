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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

from colorizer_site.api.models import RateLimitBucket

if TYPE_CHECKING:
    from colorizer_site.keys.models import ApiKey

POLICY_NAME = "per-key"


@dataclass(frozen=True)
class Allowance:
    """One request's outcome against its key's bucket, as the headers report it."""

    wait: float  # 0.0 when the request may go ahead, else seconds until one token is back
    remaining: int  # whole tokens left after this request
    reset: int  # whole seconds until the bucket is full again


def take_token(api_key: ApiKey, *, now: float | None = None) -> float:
    """Spend one request from the key's bucket: 0.0 if allowed, else seconds until one is."""
    allowance = spend(api_key, now=now)
    return allowance.wait if allowance is not None else 0.0


def spend(api_key: ApiKey, *, now: float | None = None) -> Allowance | None:
    """Spend one request from the key's bucket; None when rate limiting is switched off."""
    rate = float(settings.COLORIZER_RATE_LIMIT_PER_SECOND)
    burst = float(settings.COLORIZER_RATE_LIMIT_BURST)
    if rate <= 0:
        return None
    now = time.time() if now is None else now
    left = _spend(api_key, now=now, rate=rate, burst=burst)
    if left is not None:
        return _allowed(left, rate=rate, burst=burst)
    # Rare paths: the key's first request, or an empty bucket.
    _, created = RateLimitBucket.objects.get_or_create(
        api_key=api_key, defaults={"tokens": burst - 1.0, "refilled_at": now}
    )
    if created:
        return _allowed(burst - 1.0, rate=rate, burst=burst)
    bucket = RateLimitBucket.objects.filter(api_key=api_key).first()
    if bucket is None:  # the key was deleted meanwhile
        return _allowed(burst - 1.0, rate=rate, burst=burst)
    tokens = min(burst, bucket.tokens + max(0.0, now - bucket.refilled_at) * rate)
    if tokens >= 1.0:
        left = _spend(api_key, now=now, rate=rate, burst=burst)
        if left is not None:  # another process created the row between our two queries
            return _allowed(left, rate=rate, burst=burst)
    wait = max(1.0 - tokens, 0.0) / rate or 1.0 / rate
    return Allowance(wait=wait, remaining=0, reset=math.ceil((burst - tokens) / rate))


def _allowed(tokens: float, *, rate: float, burst: float) -> Allowance:
    return Allowance(
        wait=0.0, remaining=int(tokens), reset=math.ceil(max(0.0, burst - tokens) / rate)
    )


def policy_header() -> str:
    """RateLimit-Policy (draft-ietf-httpapi-ratelimit-headers): the bucket as a quota of
    `burst` requests over the `burst / rate` seconds it takes to refill."""
    rate = float(settings.COLORIZER_RATE_LIMIT_PER_SECOND)
    burst = settings.COLORIZER_RATE_LIMIT_BURST
    return f'"{POLICY_NAME}";q={burst};w={max(1, math.ceil(burst / rate))}'


def limit_header(allowance: Allowance) -> str:
    """RateLimit: what is left of the policy's quota and when it is whole again."""
    return f'"{POLICY_NAME}";r={allowance.remaining};t={allowance.reset}'


def _spend(api_key: ApiKey, *, now: float, rate: float, burst: float) -> float | None:
    """Refill and take one token in a single conditional UPDATE; the tokens left, or None.

    The database does the arithmetic on the row it updates, so concurrent
    requests cannot both take the last token, and the common case costs one
    statement, with no explicit transaction or row lock. RETURNING gives the
    headers their count without a second query.
    """
    connection = transaction.get_connection()
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    available = f"{least}(%s, tokens + {greatest}(0.0, %s - refilled_at) * %s)"
    table = connection.ops.quote_name(RateLimitBucket._meta.db_table)
    sql = (
        f"UPDATE {table} SET tokens = {available} - 1.0, refilled_at = %s "
        f"WHERE api_key_id = %s AND {available} >= 1.0 RETURNING tokens"
    )
    params = [burst, now, rate, now, api_key.pk, burst, now, rate]
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    return float(row[0]) if row else None


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
