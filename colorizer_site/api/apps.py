from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "colorizer_site.api"
    label = "api"
