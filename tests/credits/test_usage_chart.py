"""The credits page's usage chart: credits spent per day over 30 days, as server-side SVG."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from colorizer_site.credits import services as credits
from colorizer_site.credits.models import CreditEntry

pytestmark = pytest.mark.django_db


def _backdate(entry: CreditEntry, days: int) -> None:
    CreditEntry.objects.filter(id=entry.id).update(created_at=timezone.now() - timedelta(days=days))


def test_daily_spending_counts_charges_net_of_refunds_per_day(make_user) -> None:
    user = make_user(credits=20)
    credits.charge(user=user, amount=3)
    credits.charge(user=user, amount=2)
    credits.refund(user=user, amount=2)
    _backdate(credits.charge(user=user, amount=4), days=2)
    _backdate(credits.charge(user=user, amount=5), days=40)  # outside the window
    credits.grant(user=user, amount=7)  # not spending

    spending = credits.daily_spending(user=user, days=30)

    assert len(spending) == 30
    assert spending[-1] == (timezone.localdate(), 3)
    assert spending[-3] == (timezone.localdate() - timedelta(days=2), 4)
    assert sum(spent for _, spent in spending) == 7


def test_the_credits_page_draws_one_bar_per_day_with_spending(client, make_user) -> None:
    user = make_user(credits=20)
    client.force_login(user)
    credits.charge(user=user, amount=4)
    _backdate(credits.charge(user=user, amount=2), days=5)

    html = client.get(reverse("credits:ledger")).content.decode()

    svg = html.split('data-testid="usage-chart"', 1)[1].split("</svg>", 1)[0]
    assert svg.count("<rect") == 2
    assert ": 4 credits</title>" in svg
    assert ": 2 credits</title>" in svg
    assert "6 credits spent in the last 30 days, at most 4 in a day." in html
    # The tallest day fills the plot; the other is half its height.
    heights = sorted(float(part.split('"', 1)[0]) for part in svg.split('height="')[1:])
    assert heights == [61.0, 122.0]


def test_a_new_user_sees_an_empty_chart(client_user) -> None:
    html = client_user.get(reverse("credits:ledger")).content.decode()
    assert "0 credits spent in the last 30 days." in html
    assert "<rect" not in html
