"""What the accounts app does to a user beyond Django's own flows: closing an account."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from colorizer_site.accounts.models import User

DELETED_EMAIL_DOMAIN = "deleted.invalid"


def anonymise(user: User) -> None:
    """Strip the account of everything that names its owner and lock it for good.

    The row itself stays as an anonymous placeholder (`deleted_at` set): jobs,
    ledger entries and purchases keep pointing at it, so each wallet still equals
    the sum of its ledger and no foreign key has to be loosened. The email is
    replaced by an address nobody can own, which frees the real one for a new
    sign-up, and the unusable password ends every session still open.
    """
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    old_email = user.email
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
        # Log-in throttling keeps the address and the IPs it was tried from.
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=old_email).delete()
