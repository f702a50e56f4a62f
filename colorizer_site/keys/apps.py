from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "colorizer_site.keys"
    label = "keys"
