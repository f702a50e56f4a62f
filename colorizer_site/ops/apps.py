from django.apps import AppConfig


class OpsConfig(AppConfig):
    """/healthz and /metrics for operators; reads the other apps, owns no tables."""

    name = "colorizer_site.ops"
    label = "ops"
