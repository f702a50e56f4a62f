from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "colorizer_site.jobs"
    label = "jobs"

    def ready(self) -> None:
        from django.utils.translation import gettext

        from colorizer_site.engine import errors as engine_errors

        # The engine's refusals are read in the active language (engine.errors.translate).
        engine_errors.translate = gettext
