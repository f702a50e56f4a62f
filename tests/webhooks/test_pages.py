"""The Webhooks page: add an endpoint (secret shown once), list deliveries, test and resend."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from standardwebhooks.webhooks import Webhook

from colorizer_site.webhooks.delivery import send_due
from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


def test_adding_an_endpoint_shows_its_secret_once(client_user: Any, receiver: Receiver) -> None:
    response = client_user.post(
        reverse("webhooks:create"),
        {"url": receiver.url, "description": "shop", "events": ["task.succeeded"]},
    )

    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["task.succeeded"]
    assert endpoint.secret in response.content.decode()
    listing = client_user.get(reverse("webhooks:list")).content.decode()
    assert receiver.url in listing
    assert endpoint.secret not in listing


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"url": "http://192.168.0.10/hook", "events": ["task.failed"]}, "private address"),
        ({"url": "http://127.0.0.1:9/hook"}, "This field is required"),
    ],
)
def test_a_private_url_or_no_events_is_refused(client_user: Any, fields: dict, words: str) -> None:
    response = client_user.post(reverse("webhooks:create"), fields)

    assert response.status_code == 400
    assert words in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_test_event_is_sent_and_listed_and_can_be_resent(
    client_user: Any, endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    client_user.post(reverse("webhooks:test", args=[endpoint.id]))
    send_due()
    delivery = WebhookDelivery.objects.get()
    client_user.post(reverse("webhooks:resend", args=[delivery.id]))
    send_due()

    assert len(receiver.received) == 2
    for request in receiver.received:
        assert Webhook(endpoint.secret).verify(request.body, request.headers)["type"] == (
            "webhook.test"
        )
    page = client_user.get(reverse("webhooks:list")).content.decode()
    assert "webhook.test" in page
    assert "Delivered" in page
    assert re.search(r"<td[^>]*>204</td>", page)
    assert " ms</td>" in page


def test_other_users_endpoints_and_deliveries_are_404(
    client: Any, make_user: Any, endpoint: WebhookEndpoint
) -> None:
    client.force_login(make_user())
    delivery = WebhookDelivery.objects.create(
        owner=endpoint.owner,
        endpoint=endpoint,
        url=endpoint.url,
        event_type="webhook.test",
        payload="{}",
        next_attempt_at=endpoint.created_at,
    )

    assert client.post(reverse("webhooks:test", args=[endpoint.id])).status_code == 404
    assert client.post(reverse("webhooks:delete", args=[endpoint.id])).status_code == 404
    assert client.post(reverse("webhooks:resend", args=[delivery.id])).status_code == 404
    assert endpoint.url not in client.get(reverse("webhooks:list")).content.decode()
    assert WebhookEndpoint.objects.filter(id=endpoint.id).exists()


def test_jobs_never_imports_webhooks() -> None:
    jobs_source = Path(__file__).resolve().parents[2] / "colorizer_site" / "jobs"
    offenders = [
        path.name
        for path in jobs_source.rglob("*.py")
        if "colorizer_site.webhooks" in path.read_text()
        or "from colorizer_site import webhooks" in path.read_text()
    ]

    assert offenders == []


def test_the_send_webhooks_command_sends_what_is_due(
    endpoint: WebhookEndpoint, receiver: Receiver
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from colorizer_site.webhooks import services

    services.send_test_event(endpoint)
    output = StringIO()

    call_command("send_webhooks", stdout=output)

    assert "1 deliveries attempted" in output.getvalue()
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED
