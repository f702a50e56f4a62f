"""The sign-up bonus: once per verified email address, ever.

The bonus is granted when an account's address is verified (accounts' `address_verified`
signal), never at sign-up itself: an unverified address costs nothing to invent. Each
address that led to a bonus is remembered as an HMAC-SHA256 keyed by SECRET_KEY of its
normalised form (`SignupBonusClaim`), which survives the account's deletion, so deleting
an account and signing up again with the same address brings no second bonus. The hash
is all that is kept: it cannot be turned back into the address without SECRET_KEY (and
changing SECRET_KEY forgets every claim, as it invalidates API keys).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from colorizer_site.credits import services
from colorizer_site.credits.models import CreditEntry, SignupBonusClaim

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

# Providers that ignore dots in the local part: a.b@gmail.com is ab@gmail.com.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
# Stored in English like every memo; the ledger page translates it.
MEMO = gettext_noop("Welcome bonus")


def normalise(address: str) -> str:
    """One spelling per mailbox: lower case, without a "+tag" (every large provider
    delivers a+anything@ to a@), without dots where the provider ignores them."""
    local, _, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"


def address_hash(address: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        f"colorizer.signup-bonus:{normalise(address)}".encode(),
        hashlib.sha256,
    ).hexdigest()


def has_bonus(user: User) -> bool:
    return CreditEntry.objects.filter(idempotency_key=f"signup:{user.pk}").exists()


def grant_for_verified_address(*, user: User, email: str) -> CreditEntry | None:
    """The bonus for `user` whose `email` was just verified; None when the user already had
    it or the address (under any spelling of it) ever led to one. Safe to call again."""
    amount = settings.COLORIZER_SIGNUP_CREDITS
    with transaction.atomic():
        if has_bonus(user):
            # Every address such an account verifies counts as used as well: otherwise
            # changing the address, then deleting the account would free a second bonus.
            _claim(email)
            return None
        if amount <= 0 or not _claim(email):
            return None
        return services.grant(
            user=user, amount=amount, memo=MEMO, idempotency_key=f"signup:{user.pk}"
        )


def _claim(email: str) -> bool:
    """Record the address; False when it was recorded before."""
    try:
        with transaction.atomic():
            SignupBonusClaim.objects.create(address_hash=address_hash(email))
    except IntegrityError:
        return False
    return True
