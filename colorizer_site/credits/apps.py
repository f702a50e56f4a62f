from django.apps import AppConfig


class CreditsConfig(AppConfig):
    name = "colorizer_site.credits"
    label = "credits"
