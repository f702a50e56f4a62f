"""Where a batch stands, read in two queries however many photos it holds: the batch page
polls this once a second for the whole batch, not once per photo."""

from __future__ import annotations

from dataclasses import dataclass

from colorizer_site.credits.models import CreditEntry
from colorizer_site.jobs.endings import refund_key
from colorizer_site.jobs.models import Batch, ColorizationJob


@dataclass(frozen=True)
class PhotoRow:
    job: ColorizationJob
    refunded: int


@dataclass(frozen=True)
class BatchStatus:
    batch: Batch
    # The photos still in the gallery: one removed by its owner leaves the batch's page.
    rows: list[PhotoRow]
    # Credits given back for every photo of the batch, removed ones included.
    refunded: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def succeeded(self) -> int:
        return sum(1 for row in self.rows if row.job.succeeded)

    @property
    def failed(self) -> int:
        return sum(1 for row in self.rows if row.job.failed)

    @property
    def finished(self) -> int:
        return self.succeeded + self.failed

    @property
    def percent(self) -> int:
        """The whole batch's progress: every photo counts alike, an ended one as 100 %."""
        if not self.rows:
            return 100
        done = sum(100 if row.job.is_finished else row.job.progress for row in self.rows)
        return done * 100 // (100 * len(self.rows))

    @property
    def is_finished(self) -> bool:
        return self.batch.completed_at is not None or self.finished == self.total

    @property
    def charged(self) -> int:
        return self.batch.cost - self.refunded


def batch_status(batch: Batch) -> BatchStatus:
    jobs = list(batch.jobs.order_by("id"))
    keys = [refund_key(job.task_id) for job in jobs if job.failed]
    refunds = (
        dict(
            CreditEntry.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", "delta"
            )
        )
        if keys
        else {}
    )
    rows = [
        PhotoRow(job, refunds.get(refund_key(job.task_id), 0))
        for job in jobs
        if job.deleted_at is None
    ]
    return BatchStatus(batch=batch, rows=rows, refunded=sum(refunds.values()))
