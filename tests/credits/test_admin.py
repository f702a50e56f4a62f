"""The admin: wallets and entries read-only; staff grant credits through the ledger."""

import pytest
from django.urls import reverse

from colorizer_site.credits.models import CreditEntry, Wallet
from colorizer_site.credits.services import balance_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def test_admin_shows_wallets_and_entries_read_only(admin_client, user):
    client = admin_client
    wallet = Wallet.objects.get(user=user)
    entry = CreditEntry.objects.filter(user=user).first()

    listing = client.get(reverse("admin:credits_wallet_changelist"))
    assert listing.status_code == 200
    assert user.email in listing.content.decode()
    assert client.get(reverse("admin:credits_creditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:credits_wallet_add")).status_code == 403
    assert client.get(reverse("admin:credits_creditentry_add")).status_code == 403

    # The change page opens as a view-only page, and posting to it changes nothing.
    page = client.get(reverse("admin:credits_wallet_change", args=[wallet.pk]))
    assert page.status_code == 200
    assert 'name="balance"' not in page.content.decode()
    client.post(reverse("admin:credits_wallet_change", args=[wallet.pk]), {"balance": 999})
    assert Wallet.objects.get(pk=wallet.pk).balance == 3
    deleting = client.post(
        reverse("admin:credits_creditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert deleting.status_code == 403
    assert CreditEntry.objects.filter(pk=entry.pk).exists()


def test_staff_grant_credits_with_the_wallet_action(admin_client, user, make_user):
    other = make_user(email="bob@example.com")
    wallets = [Wallet.objects.get(user=user).pk, Wallet.objects.get(user=other).pk]
    changelist = reverse("admin:credits_wallet_changelist")

    form = admin_client.post(changelist, {"action": "grant_credits", "_selected_action": wallets})
    assert form.status_code == 200
    assert "Credits to grant" in form.content.decode()
    assert balance_of(user) == 3  # choosing the action grants nothing yet

    done = admin_client.post(
        changelist,
        {
            "action": "grant_credits",
            "_selected_action": wallets,
            "apply": "1",
            "amount": "10",
            "memo": "Invoice 17",
        },
        follow=True,
    )
    assert "Granted 10 credits to 2 user(s)." in done.content.decode()
    assert balance_of(user) == 13 and balance_of(other) == 13
    entry = CreditEntry.objects.filter(user=user).first()
    assert (entry.kind, entry.delta, entry.memo) == ("grant", 10, "Invoice 17")


def test_grant_action_refuses_a_bad_amount(admin_client, user):
    wallet = Wallet.objects.get(user=user).pk
    response = admin_client.post(
        reverse("admin:credits_wallet_changelist"),
        {"action": "grant_credits", "_selected_action": [wallet], "apply": "1", "amount": "0"},
    )
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert balance_of(user) == 3


def test_staff_without_permission_cannot_grant(client, make_user, user):
    staff = make_user(email="helper@example.com", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_wallet"))
    client.force_login(staff)
    wallet = Wallet.objects.get(user=user).pk
    page = client.get(reverse("admin:credits_wallet_changelist"))
    assert page.status_code == 200
    assert "grant_credits" not in page.content.decode()
    client.post(
        reverse("admin:credits_wallet_changelist"),
        {"action": "grant_credits", "_selected_action": [wallet], "apply": "1", "amount": "5"},
    )
    assert balance_of(user) == 3
