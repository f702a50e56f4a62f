"""Stripe, the one module that talks to it: Checkout Sessions out, signed events in.

Only imported when the Stripe provider is configured; `stripe` is the `stripe`
extra (`pip install -e ".[stripe]"`). STRIPE_API_BASE points the client at
another server speaking Stripe's protocol (the tests' local one).
"""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings


class InvalidStripeEvent(Exception):
    """A webhook whose signature does not verify, or that cannot be parsed."""


def _client() -> stripe.StripeClient:
    base = settings.STRIPE_API_BASE
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
    )


def create_checkout_session(
    *,
    price_id: str,
    user_id: int,
    email: str,
    credits: int,
    success_url: str,
    cancel_url: str,
) -> tuple[str, str]:
    """(session id, the URL to send the buyer to) of a new one-off Checkout Session."""
    session = _client().v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [{"price": price_id, "quantity": 1}],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": str(user_id),
            "customer_email": email,
            # Read back from the signed event: what to grant, and to whom.
            "metadata": {"user_id": str(user_id), "credits": str(credits)},
            "payment_intent_data": {"metadata": {"user_id": str(user_id), "credits": str(credits)}},
        }
    )
    return session.id, session.url


def verified_event(payload: bytes, signature: str) -> dict[str, Any]:
    """The event Stripe signed (as a plain dict), or InvalidStripeEvent."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise InvalidStripeEvent(str(error)) from error
    return event.to_dict()
