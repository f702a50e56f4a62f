from django.apps import AppConfig


class NoticesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "colorizer_site.notices"
    verbose_name = "Email notices"

    def ready(self) -> None:
        from django.conf import settings

        from colorizer_site.jobs.models import Batch
        from colorizer_site.jobs.signals import batch_completed
        from colorizer_site.lib import periodic
        from colorizer_site.notices import sending, services

        # jobs knows nothing of this app (docs/architecture.md's layers point into jobs): it sends
        # batch_completed inside the final transaction and runs registered duties.
        batch_completed.connect(
            services.record_batch_completed, sender=Batch, dispatch_uid="notices-batches"
        )
        periodic.register(
            "email-notices",
            every=lambda: settings.COLORIZER_NOTICE_POLL_SECONDS,
            run=sending.send_due,
        )
