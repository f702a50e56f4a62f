from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "colorizer_site.web"
    label = "web"

    def ready(self) -> None:
        # Connects the sign-in receiver that applies a user's saved language.
        from colorizer_site.accounts import languages  # noqa: F401
