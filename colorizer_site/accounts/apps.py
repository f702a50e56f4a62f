from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


class AccountsConfig(AppConfig):
    name = "colorizer_site.accounts"
    label = "accounts"

    def ready(self) -> None:
        from allauth.account.models import EmailAddress

        # Every way an address becomes verified saves its EmailAddress row (the link,
        # the admin's action, a social provider, mark_email_verified), so one receiver
        # here sees them all and tells the apps above in the site's own words.
        post_save.connect(
            _announce_verified, sender=EmailAddress, dispatch_uid="accounts-address-verified"
        )


def _announce_verified(sender: type, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from colorizer_site.accounts.signals import address_verified

    if instance.verified and not raw:
        address_verified.send(sender=type(instance.user), user=instance.user, email=instance.email)
