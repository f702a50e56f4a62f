"""Email notices when long work ends (a batch, a data export): what is written, and when.

A notice is a row (`EmailNotice`) written in the same transaction as the change that
causes it, the way webhooks' outbox is: a crash can neither lose the mail nor announce
work that did not finish. `notices.sending` sends the rows from the worker. Only people
whose preferences ask for these mails get a row (accounts' `Preferences`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from colorizer_site.accounts.services import preferences_of
from colorizer_site.notices.models import EmailNotice

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User
    from colorizer_site.jobs.models import Batch


def record(*, user: User, kind: str, subject_id: str) -> EmailNotice | None:
    """Queue the notice if the user wants such mails; call inside the finishing transaction."""
    if not preferences_of(user).email_when_ready or not user.is_active:
        return None
    notice, _ = EmailNotice.objects.get_or_create(
        kind=kind, subject_id=subject_id, defaults={"user": user}
    )
    return notice


def record_batch_completed(sender: type, batch: Batch, **kwargs: Any) -> None:
    """The `batch_completed` receiver (sent inside the last job's final transaction)."""
    record(user=batch.owner, kind=EmailNotice.Kind.BATCH_READY, subject_id=batch.batch_id)
