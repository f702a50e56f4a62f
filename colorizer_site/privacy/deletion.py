"""Deleting an account: every step through the app that owns what it changes.

Order matters. The account is locked and its keys revoked first, so no request
starts new work while the rest runs; unfinished jobs are then cancelled and
refunded (the ledger sees every credit come back); files go next, then webhook
endpoints and their deliveries (the cancels above have just written some); last,
the wallet is closed and the person's identity removed.

What stays, anonymised: the user row as a placeholder (`deleted_at`, an
address at deleted.invalid, no password), its jobs without names, URLs or files,
and its ledger untouched. Ledger entries are immutable and only credits.services
writes them, so rather than rewriting or re-pointing them the placeholder keeps
them: each wallet still equals the sum of its own ledger, charges still match
jobs, and no foreign key had to become nullable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_noop

from colorizer_site.accounts import services as accounts
from colorizer_site.accounts.models import User
from colorizer_site.api import idempotency
from colorizer_site.credits import services as credits
from colorizer_site.jobs import erasure
from colorizer_site.keys import services as keys
from colorizer_site.privacy.exports import remove_export
from colorizer_site.privacy.models import DataExport
from colorizer_site.webhooks import services as webhooks

logger = logging.getLogger(__name__)
CLOSING_MEMO = gettext_noop("Account deleted: remaining credits forfeited")


@dataclass(frozen=True)
class DeletionReport:
    cancelled_jobs: int
    revoked_keys: int
    removed_files: int
    removed_endpoints: int
    forfeited_credits: int


def delete_account(user: User) -> DeletionReport:
    """Delete `user`'s account as described above; the user can sign up again afterwards."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        revoked = keys.revoke_all(user=user)
    idempotency.forget_owner(user)
    cancelled = erasure.cancel_unfinished(user)
    removed_files = erasure.erase_jobs(user)
    for export in DataExport.objects.filter(owner=user):
        removed_files += bool(export.file.name)
        remove_export(export, state=DataExport.State.EXPIRED)
    DataExport.objects.filter(owner=user).delete()
    # A request authenticated just before the lock may have queued a job since.
    cancelled += erasure.cancel_unfinished(user)
    removed_files += erasure.erase_jobs(user)
    # After the cancels, which write their task.failed deliveries to the outbox.
    removed_endpoints = webhooks.remove_all_for(user)
    closing = credits.close_wallet(user=user, memo=CLOSING_MEMO)
    accounts.anonymise(user)
    report = DeletionReport(
        cancelled_jobs=cancelled,
        revoked_keys=revoked,
        removed_files=removed_files,
        removed_endpoints=removed_endpoints,
        forfeited_credits=-closing.delta if closing else 0,
    )
    logger.info("account %s deleted: %s", user.pk, report)
    return report
