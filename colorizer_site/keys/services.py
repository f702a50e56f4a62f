"""API keys: issue, revoke and check them.

A key reads `cz_<prefix>_<secret>`. The 8-character prefix is stored in clear to
find the row (and to show in the list); the whole key is stored only as an
HMAC-SHA256 keyed by SECRET_KEY, so a leaked database does not leak usable keys.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from colorizer_site.accounts.services import has_verified_email
from colorizer_site.keys.models import ApiKey
from colorizer_site.lib.errors import DomainError

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

KEY_PATTERN = re.compile(r"^cz_(?P<prefix>[a-z0-9]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# Writing last_used_at on every request would turn each API read into a write;
# a minute's precision is all the list page shows anyway.
LAST_USED_PRECISION = timedelta(minutes=1)


class TooManyKeys(DomainError):
    """The user already has the maximum number of live keys; `str()` says so."""

    code = "too_many_keys"


class EmailNotVerified(DomainError):
    """Keys are for accounts whose address is verified; `str()` says why."""

    status = 403
    code = "email_not_verified"

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "API keys are for accounts with a verified email address: a key spends your "
                "credits without a password, so we need a way to reach you about it. "
                "Verify your address first."
            )
        )


def hash_key(raw_key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), raw_key.encode(), hashlib.sha256).hexdigest()


def is_well_formed(raw_key: str) -> bool:
    return KEY_PATTERN.match(raw_key) is not None


def live_keys(user: User) -> int:
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).count()


def create_key(*, user: User, name: str) -> tuple[ApiKey, str]:
    """Issue a key; the returned secret is the only time anyone sees it."""
    if not has_verified_email(user):
        raise EmailNotVerified()
    limit = settings.COLORIZER_MAX_LIVE_API_KEYS
    name = name.strip()[:100] or "API key"
    with transaction.atomic():
        # Lock the user row so two simultaneous requests cannot both pass the limit.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if live_keys(user) >= limit:
            raise TooManyKeys(
                gettext(
                    "You already have %(limit)s live API keys, the most allowed. "
                    "Revoke one you no longer use, then create the new one."
                )
                % {"limit": limit}
            )
        for _attempt in range(5):
            prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(8))
            raw_key = f"cz_{prefix}_{secrets.token_urlsafe(32)}"
            try:
                with transaction.atomic():
                    key = ApiKey.objects.create(
                        user=user, name=name, prefix=prefix, secret_hash=hash_key(raw_key)
                    )
            except IntegrityError:
                continue  # prefix already taken (1 in 36**8 per key); draw again
            return key, raw_key
    raise RuntimeError("Could not draw an unused key prefix.")


def revoke(*, key: ApiKey) -> None:
    """Revoke `key`; the very next request with it is refused."""
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=key.revoked_at)


def revoke_all(*, user: User) -> int:
    """Revoke every live key of `user` at once (account deletion); how many were live."""
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def authenticate(raw_key: str) -> ApiKey | None:
    """The live key matching `raw_key` (with its user loaded), or None."""
    match = KEY_PATTERN.match(raw_key.strip())
    if match is None:
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=match["prefix"]).first()
    # Compare even when no row matched, so timing does not tell prefixes apart.
    expected = key.secret_hash if key is not None else "0" * 64
    if not hmac.compare_digest(expected, hash_key(raw_key.strip())) or key is None:
        return None
    if key.revoked_at is not None or not key.user.is_active:
        return None
    _touch(key)
    return key


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_PRECISION:
        return
    # Conditional, so concurrent requests write the row once per minute between them.
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    key.last_used_at = now
