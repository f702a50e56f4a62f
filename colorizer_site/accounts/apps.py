from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "colorizer_site.accounts"
    label = "accounts"
