from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "colorizer_site.privacy"
    verbose_name = _("People's data")

    def ready(self) -> None:
        from colorizer_site.lib import periodic
        from colorizer_site.privacy import exports

        # The worker removes expired exports beside its other duties (jobs runs them,
        # without importing this app: the arrows of docs/architecture.md point into jobs).
        periodic.register("expired-exports", every=lambda: 3600.0, run=exports.purge_expired)
