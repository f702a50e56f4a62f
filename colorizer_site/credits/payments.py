"""How credits are bought: a small provider interface behind the "Buy credits" page.

`settings.COLORIZER_PAYMENT_PROVIDER` names the provider class. The default,
`ManualGrantProvider`, takes no payments: the page lists the packs and explains
that an administrator grants credits. With STRIPE_SECRET_KEY set the default is
`StripeCheckoutProvider`: "Buy" starts a Stripe Checkout Session, and Stripe's
signed `checkout.session.completed` event grants the pack
(`credits.purchases.record_checkout`, idempotent on the session id).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CreditPack:
    credits: int
    price_cents: int
    currency: str = "USD"
    # The Stripe Price the pack is sold at (COLORIZER_STRIPE_PRICES).
    stripe_price: str = ""

    @property
    def id(self) -> str:
        return f"{self.credits}-{self.price_cents}-{self.currency.lower()}"

    @property
    def price_display(self) -> str:
        symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(self.currency.upper())
        amount = f"{self.price_cents / 100:,.2f}"
        return f"{symbol}{amount}" if symbol else f"{amount} {self.currency.upper()}"

    @property
    def unit_price_display(self) -> str:
        return f"{self.price_cents / self.credits / 100:.2f} {self.currency.upper()} per credit"


def credit_packs() -> list[CreditPack]:
    """The packs from settings, smallest first."""
    prices = settings.COLORIZER_STRIPE_PRICES
    packs = [
        CreditPack(**{"stripe_price": prices.get(pack["credits"], ""), **pack})
        for pack in settings.COLORIZER_CREDIT_PACKS
    ]
    return sorted(packs, key=lambda pack: pack.credits)


class PaymentProvider:
    """What the "Buy credits" page needs from a way of paying."""

    name: str = "payment provider"
    # False: the page shows packs without buy buttons and `instructions` instead.
    takes_payments: bool = False
    instructions: str = ""

    def packs(self) -> list[CreditPack]:
        return credit_packs()

    def start_checkout(self, request: HttpRequest, pack: CreditPack) -> HttpResponse:
        """Send the signed-in user off to pay for `pack` (usually a redirect)."""
        raise NotImplementedError(f"{self.name} does not take payments.")


class ManualGrantProvider(PaymentProvider):
    name = "manual grants"
    takes_payments = False
    instructions = _(
        "This installation does not take card payments. To top up, contact the "
        "administrator: they grant credits to your account, and the credits appear "
        "in your ledger at once."
    )
    # What the administrator runs; the "Buy credits" page names it so nobody guesses.
    grant_command = "python manage.py grant_credits"


def support_email() -> str:
    """Whom users write to about credits: COLORIZER_SUPPORT_EMAIL, else the first of
    Django's ADMINS, else nobody named ("" : the page says to ask the site's operator)."""
    if settings.COLORIZER_SUPPORT_EMAIL:
        return settings.COLORIZER_SUPPORT_EMAIL
    admins = getattr(settings, "ADMINS", [])
    return admins[0][1] if admins else ""


class StripeCheckoutProvider(PaymentProvider):
    name = "Stripe Checkout"
    takes_payments = True

    def packs(self) -> list[CreditPack]:
        """Only the packs that have a Stripe Price."""
        return [pack for pack in credit_packs() if pack.stripe_price]

    def start_checkout(self, request: HttpRequest, pack: CreditPack) -> HttpResponse:
        from colorizer_site.credits import stripe

        _, checkout_url = stripe.create_checkout_session(
            price_id=pack.stripe_price,
            user_id=request.user.pk,
            email=request.user.email,
            credits=pack.credits,
            success_url=request.build_absolute_uri(reverse("credits:receipts")) + "?checkout=done",
            cancel_url=request.build_absolute_uri(reverse("credits:buy")),
        )
        # 303: the browser follows with a GET to Stripe's hosted page.
        return HttpResponseRedirect(checkout_url, status=303)


@cache
def _provider_class(dotted_path: str) -> type[PaymentProvider]:
    provider_class = import_string(dotted_path)
    if not issubclass(provider_class, PaymentProvider):
        raise TypeError(f"{dotted_path} is not a PaymentProvider.")
    return provider_class


def payment_provider() -> PaymentProvider:
    return _provider_class(settings.COLORIZER_PAYMENT_PROVIDER)()
