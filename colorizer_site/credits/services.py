"""The credit ledger's rules. This module is the only writer of wallets and entries.

Every change is one transaction that locks the user's wallet row
(`SELECT ... FOR UPDATE`) before reading the balance, so concurrent charges for
the same user queue up instead of both seeing the same balance and overdrawing.
The database CheckConstraint on `Wallet.balance` is the last line of defence.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from colorizer_site.credits.models import CreditEntry, Wallet
from colorizer_site.lib.errors import DomainError

if TYPE_CHECKING:
    from colorizer_site.accounts.models import User

# The ledger sits below jobs and keys (docs/architecture.md, "The apps"): an entry points
# at a job and a key by foreign key, and this module knows them only as model rows.
ColorizationJob = Model
ApiKey = Model


class InsufficientCredits(DomainError):
    """The balance is short; `str()` is a sentence fit to show the user."""

    status = 403
    code = "insufficient_credits"

    def __init__(self, *, needed: int, available: int) -> None:
        self.needed = needed
        self.available = available
        super().__init__(
            gettext(
                "This needs %(needed)s but your balance is %(available)s. "
                "Buy more credits or choose cheaper options."
            )
            % {"needed": _credits(needed), "available": _credits(available)}
        )


def _credits(amount: int) -> str:
    return ngettext("%(count)s credit", "%(count)s credits", amount) % {"count": amount}


def balance_of(user: User) -> int:
    """The user's current balance (0 for a user without a wallet yet)."""
    balance = Wallet.objects.filter(user=user).values_list("balance", flat=True).first()
    return balance or 0


def require_balance(*, user: User, amount: int, lock: bool = False) -> int:
    """The balance when it covers `amount`, else InsufficientCredits; nothing is taken.

    With `lock`, inside the caller's transaction, the wallet row stays locked until
    that transaction ends: charges made in it then see this very balance, so a
    batch's charges all succeed or, refused here, none is made.
    """
    wallets = Wallet.objects.filter(user=user)
    if lock:
        wallets = wallets.select_for_update()
    balance = wallets.values_list("balance", flat=True).first() or 0
    if balance < amount:
        raise InsufficientCredits(needed=amount, available=balance)
    return balance


def ensure_wallet(user: User) -> Wallet:
    """The user's wallet, created empty if missing (safe under concurrent calls)."""
    wallet, _ = Wallet.objects.get_or_create(user=user)
    return wallet


def grant(
    *, user: User, amount: int, memo: str = "", idempotency_key: str | None = None
) -> CreditEntry:
    """Give `amount` free credits (signup bonus, staff grant)."""
    _require_positive(amount)
    return _record(
        user=user,
        delta=amount,
        kind=CreditEntry.Kind.GRANT,
        memo=memo,
        idempotency_key=idempotency_key,
    )


def purchase(
    *, user: User, amount: int, memo: str = "", idempotency_key: str | None = None
) -> CreditEntry:
    """Add credits that were paid for; payment providers call this once per payment."""
    _require_positive(amount)
    return _record(
        user=user,
        delta=amount,
        kind=CreditEntry.Kind.PURCHASE,
        memo=memo,
        idempotency_key=idempotency_key,
    )


def charge(
    *,
    user: User,
    amount: int,
    memo: str = "",
    job: ColorizationJob | None = None,
    api_key: ApiKey | None = None,
    idempotency_key: str | None = None,
    savepoint: bool = True,
) -> CreditEntry:
    """Take `amount` credits or raise InsufficientCredits; one row, one transaction.

    `savepoint=False` for a caller inside its own transaction that lets the error
    roll everything back (a job submission): it saves two statements per charge.
    """
    _require_positive(amount)
    return _record(
        user=user,
        delta=-amount,
        kind=CreditEntry.Kind.CHARGE,
        memo=memo,
        job=job,
        api_key=api_key,
        idempotency_key=idempotency_key,
        savepoint=savepoint,
    )


def refund(
    *,
    user: User,
    amount: int,
    memo: str = "",
    job: ColorizationJob | None = None,
    api_key: ApiKey | None = None,
    idempotency_key: str | None = None,
) -> CreditEntry:
    """Give back credits taken by a charge (a failed job); pass an idempotency key
    such as `refund:<task_id>` so a retried worker cannot refund twice."""
    _require_positive(amount)
    return _record(
        user=user,
        delta=amount,
        kind=CreditEntry.Kind.REFUND,
        memo=memo,
        job=job,
        api_key=api_key,
        idempotency_key=idempotency_key,
    )


def adjust(*, user: User, delta: int, memo: str = "") -> CreditEntry:
    """A staff correction in either direction; it cannot take the balance below zero."""
    if delta == 0:
        raise ValueError("An adjustment must change the balance.")
    return _record(user=user, delta=delta, kind=CreditEntry.Kind.ADJUST, memo=memo)


def take_back(*, user: User, up_to: int, memo: str, idempotency_key: str) -> int:
    """Take up to `up_to` credits (an `adjust` entry), no more than the balance holds;
    how many were taken. A repeat with the same key takes nothing more."""
    _require_positive(up_to)
    with transaction.atomic():
        wallet = Wallet.objects.select_for_update().filter(user=user).first()
        if wallet is None:
            return 0
        existing = CreditEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return -existing.delta
        taken = min(up_to, wallet.balance)
        if taken == 0:
            return 0
        _record(
            user=user,
            delta=-taken,
            kind=CreditEntry.Kind.ADJUST,
            memo=memo,
            idempotency_key=idempotency_key,
        )
        return taken


def close_wallet(*, user: User, memo: str) -> CreditEntry | None:
    """Bring a closing account's balance to zero with one `adjust` entry (its credits
    are forfeited), so the wallet still equals the sum of its ledger; None when it
    was already empty. An account closes once: a repeat takes nothing more."""
    with transaction.atomic():
        wallet = Wallet.objects.select_for_update().filter(user=user).first()
        if wallet is None or wallet.balance == 0:
            return None
        return _record(
            user=user,
            delta=-wallet.balance,
            kind=CreditEntry.Kind.ADJUST,
            memo=memo,
            idempotency_key=f"close:{user.pk}",
        )


def _require_positive(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError(f"The amount must be a positive whole number of credits, not {amount!r}.")


def _record(
    *,
    user: User,
    delta: int,
    kind: str,
    memo: str = "",
    job: ColorizationJob | None = None,
    api_key: ApiKey | None = None,
    idempotency_key: str | None = None,
    savepoint: bool = True,
) -> CreditEntry:
    with transaction.atomic(savepoint=savepoint):
        wallet = Wallet.objects.select_for_update().filter(user=user).first()
        if wallet is None:  # a user made before wallets existed, or by raw SQL
            ensure_wallet(user)
            wallet = Wallet.objects.select_for_update().get(user=user)
        # Checked only once the wallet is locked: a concurrent call with the same
        # key has then either committed its entry (we see it now) or not started.
        if idempotency_key:
            existing = CreditEntry.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        new_balance = wallet.balance + delta
        if new_balance < 0:
            raise InsufficientCredits(needed=-delta, available=wallet.balance)
        wallet.balance = new_balance
        wallet.save(update_fields=["balance", "updated_at"])
        return CreditEntry.objects.create(
            user=user,
            delta=delta,
            kind=kind,
            balance_after=new_balance,
            memo=memo[:200],
            job=job,
            api_key=api_key,
            idempotency_key=idempotency_key or None,
        )


def daily_spending(*, user: User, days: int = 30) -> list[tuple[date, int]]:
    """Credits spent per day over the last `days` days (today included), oldest first.

    Refunds count against the day they were made, so a failed photo costs
    nothing; a day never shows less than zero. Days are those of TIME_ZONE.
    """
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    rows = (
        CreditEntry.objects.filter(
            user=user,
            kind__in=[CreditEntry.Kind.CHARGE, CreditEntry.Kind.REFUND],
            created_at__gte=start,
        )
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(net=Sum("delta"))
        .order_by()
    )
    spent = {row["day"]: max(0, -row["net"]) for row in rows}
    return [
        (first + timedelta(days=offset), spent.get(first + timedelta(days=offset), 0))
        for offset in range(days)
    ]
