from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "colorizer_site.credits"
    label = "credits"

    def ready(self) -> None:
        from colorizer_site.credits import signals  # noqa: F401  (connects the receivers)
