from django.apps import AppConfig


class OpsConfig(AppConfig):
    """/healthz and /metrics for operators, and the worker's runtime (run_worker, serve,
    heartbeats, the site's invariants); reads the other apps, owns no tables."""

    name = "colorizer_site.ops"
    label = "ops"

    def ready(self) -> None:
        from django.conf import settings

        from colorizer_site.jobs import recovery
        from colorizer_site.lib import periodic
        from colorizer_site.ops import heartbeat

        periodic.register(
            "worker-heartbeat",
            every=lambda: settings.COLORIZER_HEARTBEAT_SECONDS,
            run=heartbeat.beat,
        )
        # At the heartbeat's pace, so a killed worker's job is running again about
        # three periods after the kill rather than at the next minute's reaping.
        periodic.register(
            "recover-lost-jobs",
            every=lambda: settings.COLORIZER_HEARTBEAT_SECONDS,
            run=recovery.recover_lost_jobs,
        )
