from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "colorizer_site.jobs"
    label = "jobs"

    def ready(self) -> None:
        from django.conf import settings

        from colorizer_site.jobs import heartbeat, periodic

        periodic.register(
            "worker-heartbeat",
            every=lambda: settings.COLORIZER_HEARTBEAT_SECONDS,
            run=heartbeat.beat,
        )
