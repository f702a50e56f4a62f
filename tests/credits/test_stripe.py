"""Stripe Checkout end to end against a local server that speaks Stripe's API, and webhooks
signed the way Stripe signs them: a pack is granted once; replays and forgeries change nothing;
refunds and disputes take credits back, never below zero."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.test.utils import override_settings
from django.urls import reverse

from colorizer_site.credits import services
from colorizer_site.credits.models import CreditEntry, Purchase
from colorizer_site.credits.payments import credit_packs

WEBHOOK_SECRET = "whsec_test_0123456789"


class FakeStripe:
    """A real HTTP server on loopback answering POST /v1/checkout/sessions as Stripe does."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, list[str]]]] = []
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                fake.requests.append((self.path, dict(self.headers), form))
                if self.path != "/v1/checkout/sessions":
                    return self._answer(404, {"error": {"message": "Unrecognized request URL"}})
                session_id = f"cs_test_{len(fake.requests)}"
                self._answer(
                    200,
                    {
                        "id": session_id,
                        "object": "checkout.session",
                        "mode": "payment",
                        "payment_status": "unpaid",
                        "url": f"https://checkout.stripe.test/c/pay/{session_id}",
                        "metadata": {
                            "user_id": form["metadata[user_id]"][0],
                            "credits": form["metadata[credits]"][0],
                        },
                    },
                )

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", "req_test")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def fake_stripe() -> Iterator[FakeStripe]:
    server = FakeStripe()
    with override_settings(
        STRIPE_SECRET_KEY="sk_test_colorizer",
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=server.url,
        COLORIZER_STRIPE_PRICES={10: "price_ten", 50: "price_fifty"},
        COLORIZER_PAYMENT_PROVIDER="colorizer_site.credits.payments.StripeCheckoutProvider",
    ):
        yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def signed(event: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> dict:
    """The body and Stripe-Signature header Stripe would send for `event`."""
    payload = json.dumps(event)
    timestamp = int(time.time()) if at is None else at
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "data": payload,
        "content_type": "application/json",
        "HTTP_STRIPE_SIGNATURE": f"t={timestamp},v1={signature}",
    }


def completed(session_id: str, user: Any, credits: int = 10) -> dict:
    return {
        "id": f"evt_{session_id}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "payment_status": "paid",
                "payment_intent": f"pi_{session_id}",
                "amount_total": 500,
                "currency": "usd",
                "metadata": {"user_id": str(user.pk), "credits": str(credits)},
            }
        },
    }


def post_event(client: Any, event: dict, **signing: Any) -> Any:
    return client.post(reverse("credits:stripe_webhook"), **signed(event, **signing))


@pytest.mark.django_db
def test_buying_a_pack_runs_through_checkout_and_the_signed_webhook(
    client_user: Any, user: Any, fake_stripe: FakeStripe, client: Any
) -> None:
    pack = next(pack for pack in credit_packs() if pack.credits == 10)
    page = client_user.get(reverse("credits:buy")).content.decode()
    assert "Buy 10 credits" in page

    started = client_user.post(reverse("credits:checkout", args=[pack.id]))

    assert started.status_code == 303
    assert started["Location"] == "https://checkout.stripe.test/c/pay/cs_test_1"
    path, headers, form = fake_stripe.requests[0]
    assert path == "/v1/checkout/sessions"
    assert headers["Authorization"] == "Bearer sk_test_colorizer"
    assert form["line_items[0][price]"] == ["price_ten"]
    assert form["mode"] == ["payment"]
    assert form["metadata[credits]"] == ["10"]
    assert form["success_url"][0].endswith("/credits/receipts/?checkout=done")

    answer = post_event(client, completed("cs_test_1", user))

    assert answer.status_code == 200
    assert answer.json()["outcome"] == "granted"
    assert services.balance_of(user) == 13
    entry = CreditEntry.objects.get(kind="purchase")
    assert (entry.delta, entry.balance_after, entry.idempotency_key) == (10, 13, "stripe:cs_test_1")
    receipts = client_user.get(reverse("credits:receipts")).content.decode()
    assert "5.00 USD" in receipts
    assert "cs_test_1" in receipts


@pytest.mark.django_db
def test_a_replayed_webhook_grants_nothing_more(
    client: Any, user: Any, fake_stripe: FakeStripe
) -> None:
    event = completed("cs_replay", user)

    first = post_event(client, event)
    replay = post_event(client, event)

    assert first.json()["outcome"] == "granted"
    assert replay.status_code == 200
    assert replay.json()["outcome"] == "already granted"
    assert services.balance_of(user) == 13
    assert Purchase.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "signing",
    [
        {"secret": "whsec_forged"},
        {"at": int(time.time()) - 3600},  # a captured event replayed an hour later
    ],
    ids=["wrong-secret", "stale-timestamp"],
)
def test_forged_or_stale_webhooks_change_nothing(
    client: Any, user: Any, fake_stripe: FakeStripe, signing: dict
) -> None:
    answer = post_event(client, completed("cs_forged", user, credits=200), **signing)
    unsigned = client.post(
        reverse("credits:stripe_webhook"),
        data=json.dumps(completed("cs_bare", user)),
        content_type="application/json",
    )

    assert answer.status_code == 400
    assert unsigned.status_code == 400
    assert services.balance_of(user) == 3
    assert not Purchase.objects.exists()


@pytest.mark.django_db
def test_a_refund_takes_credits_back_but_never_below_zero_and_flags_the_account(
    client: Any, client_user: Any, user: Any, fake_stripe: FakeStripe
) -> None:
    post_event(client, completed("cs_refund", user))
    services.adjust(user=user, delta=-9, memo="spent on photos")  # 13 -> 4
    refund = {
        "id": "evt_refund_1",
        "type": "charge.refunded",
        "data": {
            "object": {"object": "charge", "payment_intent": "pi_cs_refund", "amount_refunded": 500}
        },
    }

    post_event(client, refund)
    post_event(client, refund)  # Stripe retries: nothing more

    assert services.balance_of(user) == 0
    purchase = Purchase.objects.get()
    assert (purchase.status, purchase.reversed_credits, purchase.shortfall) == ("refunded", 4, 6)
    adjustments = CreditEntry.objects.filter(kind="adjust", delta__lt=0).order_by("id")
    assert [entry.delta for entry in adjustments] == [-9, -4]
    ledger = client_user.get(reverse("credits:ledger")).content.decode()
    assert 'data-testid="account-flagged"' in ledger


@pytest.mark.django_db
def test_a_dispute_after_a_partial_refund_takes_back_the_rest(
    client: Any, user: Any, fake_stripe: FakeStripe
) -> None:
    post_event(client, completed("cs_dispute", user))  # 13
    half = {
        "id": "evt_half",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": "pi_cs_dispute", "amount_refunded": 250}},
    }
    dispute = {
        "id": "evt_dispute",
        "type": "charge.dispute.created",
        "data": {"object": {"payment_intent": "pi_cs_dispute", "amount": 500}},
    }

    post_event(client, half)
    assert services.balance_of(user) == 8
    post_event(client, dispute)

    assert services.balance_of(user) == 3
    purchase = Purchase.objects.get()
    assert (purchase.status, purchase.reversed_credits, purchase.shortfall) == ("disputed", 10, 0)


@pytest.mark.django_db
def test_without_stripe_settings_the_manual_provider_stays(client_user: Any) -> None:
    page = client_user.get(reverse("credits:buy")).content.decode()

    assert "does not take card payments" in page
    assert "Buy 10 credits" not in page
