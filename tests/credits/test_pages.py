"""The ledger and "Buy credits" pages."""

import pytest
from django.urls import reverse

from colorizer_site.credits import services
from colorizer_site.credits.payments import (
    CreditPack,
    ManualGrantProvider,
    PaymentProvider,
    payment_provider,
)

pytestmark = pytest.mark.django_db


def test_ledger_lists_entries_with_kind_delta_balance_after(client_user, user):
    services.charge(user=user, amount=2, memo="Colorized photo.jpg")
    html = client_user.get(reverse("credits:ledger")).content.decode()
    assert "Charge: Colorized photo.jpg" in html
    assert "Grant: Welcome bonus" in html
    assert ">-2</td>" in html
    assert ">+3</td>" in html
    assert html.index("Colorized photo.jpg") < html.index("Welcome bonus")  # newest first


def test_ledger_is_paginated(client_user, user):
    for number in range(30):
        services.grant(user=user, amount=1, memo=f"gift {number}")
    first = client_user.get(reverse("credits:ledger")).content.decode()
    second = client_user.get(reverse("credits:ledger") + "?page=2").content.decode()
    assert "gift 29" in first and "gift 5" in first and "gift 4" not in first
    assert "Page 1 of 2" in first
    assert "gift 4" in second and "Welcome bonus" in second
    assert "gift 29" not in second


def test_ledger_shows_only_own_entries(client_user, make_user):
    other = make_user(email="bob@example.com")
    services.grant(user=other, amount=9, memo="bob's secret gift")
    html = client_user.get(reverse("credits:ledger")).content.decode()
    assert "bob&#x27;s secret gift" not in html and "secret gift" not in html


def test_ledger_shows_job_reference(client_user, user):
    from colorizer_site.jobs.models import ColorizationJob

    job = ColorizationJob.objects.create(owner=user, cost=1, options={})
    services.charge(user=user, amount=1, job=job, memo="Colorize")
    html = client_user.get(reverse("credits:ledger")).content.decode()
    try:
        link = reverse("web:job_detail", args=[job.task_id])
    except Exception:
        link = None
    if link:
        assert f'href="{link}"' in html
    else:
        assert job.task_id[:12] in html


def test_ledger_requires_login(client):
    response = client.get(reverse("credits:ledger"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_buy_page_lists_packs_from_settings_and_explains_manual_grants(client_user, settings):
    settings.COLORIZER_CREDIT_PACKS = [
        {"credits": 100, "price_cents": 3500, "currency": "EUR"},
        {"credits": 10, "price_cents": 500, "currency": "USD"},
    ]
    html = client_user.get(reverse("credits:buy")).content.decode()
    assert "€35.00" in html and "$5.00" in html
    assert html.index("$5.00") < html.index("€35.00")  # smallest pack first
    assert "administrator" in html
    assert 'action="/credits/buy/' not in html  # nothing to pay with


def test_checkout_is_404_with_manual_provider(client_user):
    pack = payment_provider().packs()[0]
    response = client_user.post(reverse("credits:checkout", args=[pack.id]))
    assert response.status_code == 404


class RecordingProvider(PaymentProvider):
    """A stand-in for a card processor (outside this machine): it records the
    pack and sends the user to a pretend checkout page."""

    name = "test provider"
    takes_payments = True
    started: list[CreditPack] = []

    def start_checkout(self, request, pack):
        from django.shortcuts import redirect

        self.started.append(pack)
        return redirect(f"https://pay.example.com/checkout/{pack.id}")


def test_a_paying_provider_gets_buy_buttons_and_checkout(client_user, settings):
    settings.COLORIZER_PAYMENT_PROVIDER = "tests.credits.test_pages.RecordingProvider"
    html = client_user.get(reverse("credits:buy")).content.decode()
    assert "Buy 10 credits" in html
    response = client_user.post(reverse("credits:checkout", args=["10-500-usd"]))
    assert response.status_code == 302
    assert response["Location"] == "https://pay.example.com/checkout/10-500-usd"
    assert RecordingProvider.started[-1].credits == 10
    assert client_user.post(reverse("credits:checkout", args=["7-1-usd"])).status_code == 404


def test_manual_provider_is_the_default():
    assert isinstance(payment_provider(), ManualGrantProvider)
    assert not payment_provider().takes_payments


def test_the_buy_page_states_the_prices_from_their_one_home(client_user) -> None:
    from colorizer_site.jobs import options

    html = client_user.get("/credits/buy/").content.decode()

    assert f"{options.BASE_PRICE} credit colorizes one photo" in html
    assert f"cleaning scratches costs {options.ADDON_PRICES['clean_scratches']} more" in html
    assert f"face sharpening {options.ADDON_PRICES['face_remaster']} more" in html
