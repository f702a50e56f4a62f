"""What the accounts app does to a user beyond django-allauth's own flows: verified
addresses, preferences, and closing an account.

This module and the app's `apps.py` are the only places in the site that import
django-allauth's models; other apps ask here (docs/accounts.md).
"""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from colorizer_site.accounts.models import Preferences, User

DELETED_EMAIL_DOMAIN = "deleted.invalid"


def has_verified_email(user: User) -> bool:
    """Whether the address the user signs in with has been verified."""
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def mark_email_verified(user: User) -> None:
    """Record the user's address as verified and primary, as its link would.

    For accounts an operator vouches for (tests, benchmarks, `manage.py` scripts); the
    `address_verified` signal fires as it does for a clicked link, so the sign-up bonus
    follows the same rule.
    """
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        address = EmailAddress(user=user, email=user.email.lower())
    if address.verified and address.primary:
        return
    with transaction.atomic():
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        address.verified = True
        address.primary = True
        address.save()


def preferences_of(user: User) -> Preferences:
    """The user's preferences, the defaults when they never changed any (nothing is saved)."""
    found = Preferences.objects.filter(user=user).first()
    return found if found is not None else Preferences(user=user)


def anonymise(user: User) -> None:
    """Strip the account of everything that names its owner and lock it for good.

    The row itself stays as an anonymous placeholder (`deleted_at` set): jobs,
    ledger entries and purchases keep pointing at it, so each wallet still equals
    the sum of its ledger and no foreign key has to be loosened. The email is
    replaced by an address nobody can own, which frees the real one for a new
    sign-up, and the unusable password ends every session still open. Its
    addresses, authenticators (TOTP, recovery codes, passkeys) and links to social
    accounts go too; only a keyed hash of an address that received the sign-up
    bonus stays with the credits app, so a new account there gets none.
    """
    with transaction.atomic():
        user.email = f"deleted-{secrets.token_hex(8)}@{DELETED_EMAIL_DOMAIN}"
        user.first_name = ""
        user.last_name = ""
        user.set_unusable_password()
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.last_login = None
        user.deleted_at = timezone.now()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        SocialAccount.objects.filter(user=user).delete()
        Preferences.objects.filter(user=user).delete()
