from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "colorizer_site.jobs"
    label = "jobs"

    def ready(self) -> None:
        from django.conf import settings
        from django.utils.translation import gettext

        from colorizer_site.engine import errors as engine_errors
        from colorizer_site.jobs import heartbeat, periodic

        # The engine's refusals are read in the active language (engine.errors.translate).
        engine_errors.translate = gettext

        periodic.register(
            "worker-heartbeat",
            every=lambda: settings.COLORIZER_HEARTBEAT_SECONDS,
            run=heartbeat.beat,
        )
