from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "colorizer_site.jobs"
    label = "jobs"
