"""Deleting an account: password again, then every file gone at once, keys and webhooks
gone, unfinished jobs cancelled and refunded, the books still balanced, and the email
free for a new sign-up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.db.models import Sum
from django.http import JsonResponse
from django.test import Client

from colorizer_site.accounts.models import User
from colorizer_site.api import idempotency
from colorizer_site.api.models import IdempotentRequest
from colorizer_site.credits.models import CreditEntry, Wallet
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.models import ApiKey
from colorizer_site.keys.services import create_key
from colorizer_site.privacy.models import DataExport
from colorizer_site.webhooks import services as webhooks
from colorizer_site.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.conftest import PASSWORD

DELETE = "/accounts/delete/"
State = ColorizationJob.State


@pytest.fixture
def busy_user(
    make_user: Any, submit: Any, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    """A user with a finished photo, one queued and one running, a key, a webhook,
    an export, and 10 credits left after all that."""
    user = make_user(email="grace@example.com", credits=14)
    done = submit(user)
    queued = submit(user, run=False)
    running = submit(user, run=False)
    ColorizationJob.objects.filter(id=running.id).update(state=State.PROCESSING, progress=40)
    key, raw_key = create_key(user=user, name="laptop")
    record, _ = idempotency.claim(api_key=key, key="retry-1", request_hash="0" * 64)
    idempotency.complete(record, JsonResponse({"data": {"image": "base64-of-the-photo"}}))
    endpoint = webhooks.create_endpoint(
        owner=user, url="http://127.0.0.1:9/hook", events=["task.succeeded", "task.failed"]
    )
    client = Client()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/data/export/")
    export = DataExport.objects.get(owner=user)
    files = [
        name
        for job in (done, queued, running)
        for name in (job.input_file.name, job.result_file.name, job.thumbnail.name)
        if name
    ] + [export.file.name]
    assert all(default_storage.exists(name) for name in files)
    assert balance_of(user) == 11
    return {
        "user": user, "client": client, "done": done, "queued": queued, "running": running,
        "raw_key": raw_key, "key": key, "endpoint": endpoint, "files": files,
    }  # fmt: skip


@pytest.mark.django_db
def test_a_wrong_password_deletes_nothing(busy_user: dict[str, Any]) -> None:
    client = busy_user["client"]

    response = client.post(DELETE, {"password": "not-my-password"})

    assert response.status_code == 400
    assert "not your password" in response.content.decode()
    assert IdempotentRequest.objects.filter(api_key__user=busy_user["user"]).exists()
    assert all(default_storage.exists(name) for name in busy_user["files"])
    user = User.objects.get(id=busy_user["user"].id)
    assert user.is_active and user.email == "grace@example.com"
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.django_db
def test_deleting_removes_files_keys_and_webhooks_and_refunds_unfinished_jobs(
    busy_user: dict[str, Any],
) -> None:
    user = busy_user["user"]
    entries_before = CreditEntry.objects.filter(user=user).count()

    response = busy_user["client"].post(DELETE, {"password": PASSWORD})

    assert response.status_code == 302
    assert not any(default_storage.exists(name) for name in busy_user["files"])
    assert not ApiKey.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert not WebhookEndpoint.objects.filter(owner=user).exists()
    assert not WebhookDelivery.objects.filter(owner=user).exists()
    assert not DataExport.objects.filter(owner=user).exists()
    assert not IdempotentRequest.objects.filter(api_key__user=user).exists()
    for name in ("queued", "running"):
        job = ColorizationJob.objects.get(id=busy_user[name].id)
        assert job.state == State.CANCELLED
        assert CreditEntry.objects.filter(job=job, kind="refund", delta=1).exists()
    # Two refunds and the closing entry that forfeits the 13 credits then left.
    closing = CreditEntry.objects.filter(user=user).order_by("-id").first()
    assert (closing.kind, closing.delta, closing.balance_after) == ("adjust", -13, 0)
    assert CreditEntry.objects.filter(user=user).count() == entries_before + 3
    wallet = Wallet.objects.get(user=user)
    total = CreditEntry.objects.filter(user=user).aggregate(total=Sum("delta"))["total"]
    assert wallet.balance == total == 0


@pytest.mark.django_db
def test_jobs_and_ledger_stay_without_anything_personal(busy_user: dict[str, Any]) -> None:
    user = busy_user["user"]
    job_count = ColorizationJob.objects.filter(owner=user).count()

    busy_user["client"].post(DELETE, {"password": PASSWORD})

    placeholder = User.objects.get(id=user.id)
    assert placeholder.email.endswith("@deleted.invalid")
    assert "grace" not in placeholder.email and "grace" not in placeholder.username
    assert not placeholder.is_active
    assert not placeholder.has_usable_password()
    assert placeholder.deleted_at is not None
    jobs = ColorizationJob.objects.filter(owner=placeholder)
    assert jobs.count() == job_count
    for job in jobs:
        assert "name" not in job.input_meta and "source_url" not in job.input_meta
        assert not (job.input_file or job.result_file or job.thumbnail)
        assert job.deleted_at is not None
    assert ApiKey.objects.get(id=busy_user["key"].id).revoked_at is not None


@pytest.mark.django_db
def test_the_key_and_every_session_stop_working(busy_user: dict[str, Any], client: Client) -> None:
    client.force_login(busy_user["user"])  # a second browser

    busy_user["client"].post(DELETE, {"password": PASSWORD})

    for session in (busy_user["client"], client):
        response = session.get("/accounts/profile/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    api = Client().get("/api/v1/account", headers={"X-API-KEY": busy_user["raw_key"]})
    assert api.status_code == 401


@pytest.mark.django_db
def test_the_same_email_can_sign_up_again_without_a_second_bonus(
    busy_user: dict[str, Any], client: Client
) -> None:
    busy_user["client"].post(DELETE, {"password": PASSWORD})

    response = client.post(
        "/accounts/signup/",
        {"email": "grace@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    fresh = User.objects.get(email="grace@example.com")
    assert fresh.id != busy_user["user"].id
    assert not ColorizationJob.objects.filter(owner=fresh).exists()
    # The address is verified again by its link; the bonus was this address's once, ever.
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    client.post(link.group(1))
    assert balance_of(fresh) == 0
    assert client.get("/accounts/profile/").status_code == 200
