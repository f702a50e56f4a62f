from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "colorizer_site.web"
    label = "web"
