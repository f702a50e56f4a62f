"""Every new user starts with a wallet; a verified address brings the sign-up bonus.

The receivers live here rather than in `accounts`, because credits may depend on
accounts but accounts must not know about credits.
"""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from colorizer_site.accounts.signals import address_verified
from colorizer_site.credits import services, signup_bonus


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="credits_open_wallet")
def open_wallet_for_new_user(
    sender: type, instance: Any, created: bool, raw: bool, **kwargs: Any
) -> None:
    # Fixture loading (`raw`) restores wallets and entries from the fixture itself.
    if created and not raw:
        services.ensure_wallet(instance)


@receiver(address_verified, dispatch_uid="credits_signup_bonus")
def grant_bonus_for_verified_address(sender: type, user: Any, email: str, **kwargs: Any) -> None:
    signup_bonus.grant_for_verified_address(user=user, email=email)
