"""Paid packs: Stripe's signed events become ledger entries, each exactly once.

`checkout.session.completed` (paid) grants the pack as a `purchase` entry,
idempotent on the session id (a unique Purchase row, written in the same
transaction as the entry). `charge.refunded` and `charge.dispute.created` take
the credits back as `adjust` entries, never below a zero balance: what is
already spent becomes the purchase's shortfall, and the account is flagged
(the receipts and ledger pages say what happened).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from colorizer_site.accounts.models import User
from colorizer_site.credits import services
from colorizer_site.credits.models import Purchase

logger = logging.getLogger(__name__)
# Stored in English; the ledger page reads it in the reader's language (jobs.stored_sentences).
BOUGHT_MEMO = gettext_noop("Bought %(count)s credits")


def handle_event(event: dict[str, Any]) -> str:
    """Apply one verified Stripe event; a word for the log (what was done)."""
    kind = event.get("type", "")
    subject = event.get("data", {}).get("object", {})
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        return record_checkout(subject)
    if kind == "charge.refunded":
        return record_reversal(
            payment_reference=subject.get("payment_intent") or "",
            amount_cents=int(subject.get("amount_refunded") or 0),
            status=Purchase.Status.REFUNDED,
            event_id=event.get("id", ""),
        )
    if kind == "charge.dispute.created":
        return record_reversal(
            payment_reference=subject.get("payment_intent") or "",
            amount_cents=int(subject.get("amount") or 0),
            status=Purchase.Status.DISPUTED,
            event_id=event.get("id", ""),
        )
    return "ignored"


def record_checkout(session: dict[str, Any]) -> str:
    if session.get("payment_status") != "paid":
        return "not paid yet"
    metadata = session.get("metadata") or {}
    user = User.objects.filter(pk=metadata.get("user_id")).first()
    credits = int(metadata.get("credits") or 0)
    if user is None or credits <= 0:
        logger.error("Stripe session %s names no known user or pack", session.get("id"))
        return "unknown buyer"
    try:
        with transaction.atomic():
            purchase = Purchase.objects.create(
                user=user,
                reference=session["id"],
                payment_reference=session.get("payment_intent") or "",
                credits=credits,
                amount_cents=int(session.get("amount_total") or 0),
                currency=(session.get("currency") or "usd").upper()[:3],
            )
            purchase.entry = services.purchase(
                user=user,
                amount=credits,
                memo=BOUGHT_MEMO % {"count": credits},
                idempotency_key=f"stripe:{session['id']}",
            )
            purchase.save(update_fields=["entry"])
    except IntegrityError:
        return "already granted"  # a replay: the session's row exists
    return "granted"


def record_reversal(
    *, payment_reference: str, amount_cents: int, status: str, event_id: str
) -> str:
    """Take back the credits a refund or dispute (`amount_cents` of the payment, in total
    so far) stands for, as far as the balance allows."""
    with transaction.atomic():
        purchase = (
            Purchase.objects.select_for_update()
            .filter(payment_reference=payment_reference)
            .exclude(payment_reference="")
            .first()
        )
        if purchase is None:
            return "unknown payment"
        share = min(1.0, amount_cents / purchase.amount_cents) if purchase.amount_cents else 1.0
        owed = round(purchase.credits * share) - purchase.reversed_credits - purchase.shortfall
        purchase.status = status
        if owed > 0:
            taken = services.take_back(
                user=purchase.user,
                up_to=owed,
                memo=f"{Purchase.Status(status).label}: {purchase.credits} credits bought",
                idempotency_key=f"stripe-reversal:{event_id}",
            )
            purchase.reversed_credits += taken
            purchase.shortfall += owed - taken
        purchase.save(update_fields=["status", "reversed_credits", "shortfall"])
    return "reversed"


def flagged(user: User) -> bool:
    """Credits were refunded or disputed after they had been spent."""
    return Purchase.objects.filter(user=user, shortfall__gt=0).exists()
