"""/metrics in the Prometheus text format, computed from the database at scrape time.

Every web process answers from the same tables, so a scrape of any one of them
sees the whole deployment (all workers, all web processes) without a shared
in-memory registry or a push gateway.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.fields.json import KT
from django.utils import timezone

from colorizer_site.credits.models import CreditEntry
from colorizer_site.jobs.models import ColorizationJob, WorkerHeartbeat
from colorizer_site.webhooks.models import WebhookDelivery

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Seconds; a tiny photo takes under a second, a large one with the clarity boost minutes.
DURATION_BUCKETS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600)
State = ColorizationJob.State


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_escape(str(value))}"' for key, value in labels.items()) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class _Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str) -> None:
        self.lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, value: float, **labels: str) -> None:
        self.lines.append(f"{name}{_labels(labels)} {_number(value)}")

    def render(self) -> str:
        return "\n".join(self.lines) + "\n"


def render() -> str:
    text = _Text()
    _jobs(text)
    _durations(text)
    _credits(text)
    _webhooks(text)
    _workers(text)
    return text.render()


def _jobs(text: _Text) -> None:
    counts = dict(ColorizationJob.objects.values_list("state").annotate(n=Count("id")).order_by())
    text.family("colorizer_jobs", "gauge", "Jobs by state (all time).")
    for state in State:
        text.sample("colorizer_jobs", counts.get(state.value, 0), state=state.name.lower())
    queued = ColorizationJob.objects.filter(state=State.QUEUED)
    text.family("colorizer_queue_depth", "gauge", "Jobs queued and not yet taken by a worker.")
    text.sample("colorizer_queue_depth", counts.get(State.QUEUED.value, 0))
    oldest = queued.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0
    text.family(
        "colorizer_queue_oldest_seconds", "gauge", "Age of the oldest queued job in seconds."
    )
    text.sample("colorizer_queue_oldest_seconds", round(age, 3))


def _addons(clean: str | None, face: str | None) -> str:
    names = [
        name
        for name, flag in (("clean_scratches", clean), ("face_remaster", face))
        if str(flag).lower() == "true"
    ]
    return "+".join(names) or "none"


def _durations(text: _Text) -> None:
    rows = (
        ColorizationJob.objects.filter(
            state=State.SUCCEEDED, processed_at__isnull=False, completed_at__isnull=False
        )
        .annotate(
            duration=ExpressionWrapper(
                F("completed_at") - F("processed_at"), output_field=DurationField()
            ),
            model=KT("options__model"),
            clean=KT("options__clean_scratches"),
            face=KT("options__face_remaster"),
        )
        .values("model", "clean", "face")
        .annotate(
            count=Count("id"),
            total=Sum("duration"),
            **{
                f"le_{index}": Count("id", filter=Q(duration__lte=timedelta(seconds=bucket)))
                for index, bucket in enumerate(DURATION_BUCKETS)
            },
        )
        .order_by("model", "clean", "face")
    )
    name = "colorizer_job_duration_seconds"
    text.family(
        name, "histogram", "Seconds from a worker taking a job to its result, succeeded jobs."
    )
    for row in rows:
        labels = {"model": row["model"] or "unknown", "addons": _addons(row["clean"], row["face"])}
        for index, bucket in enumerate(DURATION_BUCKETS):
            text.sample(f"{name}_bucket", row[f"le_{index}"], **labels, le=_number(bucket))
        text.sample(f"{name}_bucket", row["count"], **labels, le="+Inf")
        total = row["total"] or timedelta(0)
        text.sample(f"{name}_sum", round(total.total_seconds(), 3), **labels)
        text.sample(f"{name}_count", row["count"], **labels)


def _credits(text: _Text) -> None:
    sums = dict(
        CreditEntry.objects.filter(kind__in=[CreditEntry.Kind.CHARGE, CreditEntry.Kind.REFUND])
        .values_list("kind")
        .annotate(total=Sum("delta"))
        .order_by()
    )
    text.family("colorizer_credits_charged_total", "counter", "Credits charged for jobs.")
    text.sample("colorizer_credits_charged_total", -(sums.get(CreditEntry.Kind.CHARGE) or 0))
    text.family("colorizer_credits_refunded_total", "counter", "Credits refunded for jobs.")
    text.sample("colorizer_credits_refunded_total", sums.get(CreditEntry.Kind.REFUND) or 0)


def _webhooks(text: _Text) -> None:
    rows = dict(WebhookDelivery.objects.values_list("status").annotate(n=Count("id")).order_by())
    attempts = WebhookDelivery.objects.aggregate(total=Sum("attempts"))["total"] or 0
    text.family("colorizer_webhook_deliveries", "gauge", "Webhook deliveries by status.")
    for status in WebhookDelivery.Status:
        text.sample("colorizer_webhook_deliveries", rows.get(status.value, 0), status=status.value)
    text.family(
        "colorizer_webhook_attempts_total", "counter", "HTTP attempts made for webhook deliveries."
    )
    text.sample("colorizer_webhook_attempts_total", attempts)


def _workers(text: _Text) -> None:
    now = timezone.now()
    beats: Iterable[tuple[str, object]] = WorkerHeartbeat.objects.values_list("name", "last_seen")
    text.family(
        "colorizer_worker_seconds_since_heartbeat",
        "gauge",
        "Seconds since each worker process last wrote its heartbeat.",
    )
    for name, seen in beats:
        age = (now - seen).total_seconds()  # type: ignore[operator]
        text.sample("colorizer_worker_seconds_since_heartbeat", round(age, 3), worker=name)
