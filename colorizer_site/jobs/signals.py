"""Signals other apps listen to without `jobs` knowing them (imports point only into jobs).

`job_finished(sender=ColorizationJob, job=...)` is sent inside the transaction
that writes a job's final state (succeeded, failed, timed out or cancelled), so
a receiver's writes (webhooks' outbox rows) commit with that state or not at all.
"""

from django.dispatch import Signal

job_finished = Signal()

# `batch_completed(sender=Batch, batch=...)`: the last job of a batch has ended; sent
# inside that job's final transaction, once per batch.
batch_completed = Signal()
