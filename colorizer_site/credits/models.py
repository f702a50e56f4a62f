from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Wallet(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet"
    )
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="wallet_balance_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.balance} credits)"


class CreditEntry(models.Model):
    """One immutable line of the ledger; only `credits.services` writes these."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant")
        PURCHASE = "purchase", _("Purchase")
        CHARGE = "charge", _("Charge")
        REFUND = "refund", _("Refund")
        ADJUST = "adjust", _("Adjustment")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_entries"
    )
    delta = models.IntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    balance_after = models.IntegerField()
    memo = models.CharField(max_length=200, blank=True)
    job = models.ForeignKey(
        "jobs.ColorizationJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_entries",
    )
    api_key = models.ForeignKey(
        "keys.ApiKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="credit_entries",
    )
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "credit entries"
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.delta:+d} for {self.user}"

    @property
    def reason(self) -> str:
        """The memo for people: a short task id at its end is dropped when the entry
        still points at its job, whose name and thumbnail the ledger shows instead (the
        stored memo itself never changes)."""
        if self.job_id is not None:
            task_prefix = f" {self.job.task_id[:8]}"
            return self.memo.removesuffix(task_prefix)
        return self.memo


class Purchase(models.Model):
    """A credit pack paid through a payment provider (Stripe); the receipts page lists them."""

    class Status(models.TextChoices):
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")
        DISPUTED = "disputed", _("Disputed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="purchases"
    )
    provider = models.CharField(max_length=20, default="stripe")
    # The Checkout Session id: one purchase per session, whatever Stripe replays.
    reference = models.CharField(max_length=255, unique=True)
    # The PaymentIntent, which refunds and disputes name.
    payment_reference = models.CharField(max_length=255, blank=True, db_index=True)
    credits = models.PositiveIntegerField()
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PAID)
    entry = models.OneToOneField(
        CreditEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="purchase"
    )
    # Credits taken back after refunds or disputes, and those that could not be
    # (already spent): a shortfall flags the account.
    reversed_credits = models.PositiveIntegerField(default=0)
    shortfall = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.credits} credits for {self.user} ({self.reference})"

    @property
    def amount_display(self) -> str:
        return f"{self.amount_cents / 100:,.2f} {self.currency}"


class SignupBonusClaim(models.Model):
    """An email address that has received the sign-up bonus, kept as a keyed hash only.

    Outlives the account (no link to the user): an address deleted and signed up again
    gets no second bonus (credits.signup_bonus), and the table names nobody.
    """

    address_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"bonus claim {self.address_hash[:12]}…"
