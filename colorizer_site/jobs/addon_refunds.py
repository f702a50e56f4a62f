"""Paid add-ons that found nothing to do are given back, and the job says so in words.

The engine names them in `ColorizeResult.unchanged_addons` (scratch repair on a
clean print, the clarity boost on a photo without a face). The worker step
refunds each one's price in the transaction that stores the result; the job
page and the API's task data read the same sentences from `job_notes`.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext

from colorizer_site.credits import services as credit_services
from colorizer_site.engine.errors import ngettext_noop
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import ADDON_PRICES, JobOptions

# The ledger line of a refunded add-on, stored in English and read back translated on the
# ledger page (jobs.stored_sentences).
REFUND_MEMOS = {
    "clean_scratches": gettext_noop("Refund: scratch repair found nothing to repair on %(name)s"),
    "face_remaster": gettext_noop("Refund: clarity boost found no face to sharpen on %(name)s"),
}
# The note on a refunded add-on, whole sentences so each language can say it its own way:
# (singular, plural) by the credits given back.
_REFUND_NOTES = {
    "clean_scratches": ngettext_noop(
        "The %(count)s credit for the scratch repair was refunded, as it found nothing to repair.",
        "The %(count)s credits for the scratch repair were refunded, as it found nothing to "
        "repair.",
    ),
    "face_remaster": ngettext_noop(
        "The %(count)s credit for the clarity boost was refunded, as it found no face to sharpen.",
        "The %(count)s credits for the clarity boost were refunded, as it found no face to "
        "sharpen.",
    ),
}


def refundable_addons(job: ColorizationJob, unchanged: list[str]) -> dict[str, int]:
    """Add-ons the job paid for that the engine reports unchanged, with their prices."""
    options = JobOptions.from_job(job)
    prices = {}
    for addon in unchanged:
        if addon in REFUND_MEMOS and getattr(options, addon, False):
            price = ADDON_PRICES.get(addon, 0)
            if price > 0:
                prices[addon] = price
    return prices


def refund_unchanged_addons(job: ColorizationJob, unchanged: list[str]) -> int:
    """Refund each paid add-on that changed nothing; credits given back. Call inside the
    transaction that marks the job succeeded; a rerun worker refunds nothing twice."""
    given = 0
    name = job.input_meta.get("name") or f"photo {job.task_id[:8]}"
    for addon, price in refundable_addons(job, unchanged).items():
        credit_services.refund(
            user=job.owner,
            amount=price,
            job=job,
            api_key=job.api_key,
            memo=REFUND_MEMOS[addon] % {"name": name},
            idempotency_key=f"addon-refund:{job.task_id}:{addon}",
        )
        given += price
    return given


def refunded_addon_credits(job: ColorizationJob) -> int:
    """Credits given back for add-ons of a succeeded job (from the stored result, no query)."""
    if not job.succeeded:
        return 0
    return sum(refundable_addons(job, job.result_meta.get("unchanged_addons", [])).values())


def job_notes(job: ColorizationJob) -> list[str]:
    """What the engine noticed about the photo, and any add-on refund, in plain sentences."""
    if not job.succeeded:
        return []
    notes = [str(note) for note in job.result_meta.get("notes", [])]
    for addon, price in refundable_addons(job, job.result_meta.get("unchanged_addons", [])).items():
        singular, plural = _REFUND_NOTES[addon]
        notes.append(ngettext(singular, plural, price) % {"count": price})
    return notes
