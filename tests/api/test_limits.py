"""Rate limits, idempotent retries, races for the last credits and result links."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings

from colorizer_site.api.ratelimit import take_token
from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.services import create_key
from tests.api.conftest import CREATE, QUEUE_ONLY

COLORIZE = "/api/v1/colorize"
ACCOUNT = "/api/v1/account"


def photo_files(photo: bytes) -> dict:
    return {"image_file": ("photo.jpg", photo, "image/jpeg")}


# --- rate limit -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_past_the_burst_a_key_gets_429_with_retry_after(
    api: httpx.Client, client_for: Any, make_user: Any
) -> None:
    with override_settings(COLORIZER_RATE_LIMIT_PER_SECOND=1, COLORIZER_RATE_LIMIT_BURST=3):
        statuses = [api.get(ACCOUNT).status_code for _ in range(3)]
        refused = api.get(ACCOUNT)
        other_key = client_for(create_key(user=make_user(), name="other")[1]).get(ACCOUNT)
        task_dialect = api.get(f"{CREATE}/{'0' * 32}")

        assert statuses == [200, 200, 200]
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"
        assert "Too many requests" in refused.json()["error"]
        assert refused.headers["X-Credits-Remaining"] == "3"
        assert other_key.status_code == 200  # buckets are per key
        assert task_dialect.status_code == 429
        assert task_dialect.json()["status"] == 429

        time.sleep(float(refused.headers["Retry-After"]) + 0.05)
        assert api.get(ACCOUNT).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_bucket_lives_in_the_database_so_every_process_shares_it(
    api: httpx.Client, api_key: Any
) -> None:
    # This test's thread has its own database connection, as another server
    # process would: the tokens it spends are gone for the live server too.
    with override_settings(COLORIZER_RATE_LIMIT_PER_SECOND=0.01, COLORIZER_RATE_LIMIT_BURST=2):
        assert take_token(api_key[0]) == 0
        assert take_token(api_key[0]) == 0

        response = api.get(ACCOUNT)

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_share_one_burst(live_server: Any, api_key: Any) -> None:
    statuses: list[int] = []
    start = threading.Barrier(12)

    def send() -> None:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            start.wait()
            statuses.append(client.get(ACCOUNT, headers={"X-API-KEY": api_key[1]}).status_code)

    with override_settings(COLORIZER_RATE_LIMIT_PER_SECOND=0.01, COLORIZER_RATE_LIMIT_BURST=5):
        threads = [threading.Thread(target=send) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert Counter(statuses) == {200: 5, 429: 7}


@pytest.mark.django_db(transaction=True)
def test_a_retry_after_in_the_future_covers_a_partial_token() -> None:
    from colorizer_site.accounts.models import User
    from colorizer_site.accounts.services import mark_email_verified

    owner = User.objects.create_user(email="r@example.com", password="x")
    mark_email_verified(owner)
    key, _ = create_key(user=owner, name="k")
    with override_settings(COLORIZER_RATE_LIMIT_PER_SECOND=2, COLORIZER_RATE_LIMIT_BURST=1):
        assert take_token(key, now=1000.0) == 0
        assert take_token(key, now=1000.2) == pytest.approx(0.3)
        assert take_token(key, now=1000.5) == 0  # refilled half a second later


@pytest.mark.django_db(transaction=True)
def test_every_answer_carries_the_ietf_ratelimit_headers(api: httpx.Client) -> None:
    with override_settings(COLORIZER_RATE_LIMIT_PER_SECOND=2, COLORIZER_RATE_LIMIT_BURST=3):
        answers = [api.get(ACCOUNT) for _ in range(3)]
        not_found = api.get(f"{CREATE}/{'0' * 32}")

    assert [a.headers["RateLimit-Policy"] for a in answers] == ['"per-key";q=3;w=2'] * 3
    remaining = [a.headers["RateLimit"] for a in answers]
    # Quick requests: the bucket drains one token each, refilling a little in between.
    assert remaining[0] == '"per-key";r=2;t=1'
    assert remaining[2].startswith('"per-key";r=0;t=')
    assert not_found.status_code == 429
    assert not_found.headers["RateLimit"].startswith('"per-key";r=0;t=')
    assert not_found.headers["Retry-After"] == "1"


@pytest.mark.django_db(transaction=True)
def test_creates_say_what_they_charged(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    headers = {"Idempotency-Key": "charged-1"}
    fields = {"model": "tiny", "clean_scratches": "true"}
    created = api.post(CREATE, data=fields, files=photo_files(gray_photo_jpeg), headers=headers)
    replayed = api.post(CREATE, data=fields, files=photo_files(gray_photo_jpeg), headers=headers)
    refused = api.post(CREATE, data={"model": "nope"}, files=photo_files(gray_photo_jpeg))
    v1 = api.post(COLORIZE, data={"model": "tiny"}, files={"image": ("p.jpg", gray_photo_jpeg)})
    failed = api.post(
        COLORIZE, data={"model": "tiny"}, files={"image": ("p.jpg", gray_photo_jpeg[:300])}
    )

    assert created.status_code == 200
    assert created.headers["X-Credits-Charged"] == "2"
    assert replayed.headers["X-Credits-Charged"] == "0"
    assert refused.status_code == 400
    assert refused.headers["X-Credits-Charged"] == "0"
    assert v1.headers["X-Credits-Charged"] == "1"
    assert failed.status_code >= 400
    assert failed.headers["X-Credits-Charged"] == "0"
    assert "X-Credits-Charged" not in api.get(ACCOUNT).headers
    assert balance_of(user) == 0


# --- idempotency ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_retry_with_the_same_idempotency_key_replays_without_charging(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    headers = {"Idempotency-Key": "order-7-photo-1"}
    fields = {"sync": "1", "model": "tiny"}

    first = api.post(CREATE, data=fields, files=photo_files(gray_photo_jpeg), headers=headers)
    retry = api.post(CREATE, data=fields, files=photo_files(gray_photo_jpeg), headers=headers)

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert ColorizationJob.objects.count() == 1
    assert balance_of(user) == 2
    assert retry.headers["X-Credits-Remaining"] == "2"
    assert CreditEntry.objects.filter(user=user, kind="charge").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_idempotency_key_on_a_different_request_is_a_409(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes, gray_photo_png: bytes
) -> None:
    headers = {"Idempotency-Key": "k-1"}
    api.post(CREATE, data={"model": "tiny"}, files=photo_files(gray_photo_jpeg), headers=headers)

    other_options = api.post(
        CREATE, data={"model": "large"}, files=photo_files(gray_photo_jpeg), headers=headers
    )
    other_photo = api.post(
        CREATE, data={"model": "tiny"}, files=photo_files(gray_photo_png), headers=headers
    )
    other_endpoint = api.post(
        COLORIZE, files={"image": ("photo.jpg", gray_photo_jpeg, "image/jpeg")}, headers=headers
    )

    for response in (other_options, other_photo):
        assert response.status_code == 409
        assert response.json()["status"] == 409
        assert "different request" in response.json()["message"]
    assert other_endpoint.status_code == 409
    assert "different request" in other_endpoint.json()["error"]
    assert ColorizationJob.objects.count() == 1
    assert balance_of(user) == 2


@pytest.mark.django_db(transaction=True)
def test_v1_retries_are_idempotent_too(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    send = {
        "data": {"model": "tiny"},
        "files": {"image": ("a.jpg", gray_photo_jpeg, "image/jpeg")},
        "headers": {"Idempotency-Key": "v1-retry"},
    }

    first = api.post(COLORIZE, **send)
    retry = api.post(COLORIZE, **send)

    assert first.status_code == retry.status_code == 200
    assert retry.json()["outputUrl"] == first.json()["outputUrl"]
    assert balance_of(user) == 2


@pytest.mark.django_db(transaction=True)
def test_idempotency_keys_belong_to_one_api_key(
    api: httpx.Client, user: Any, client_for: Any, gray_photo_jpeg: bytes
) -> None:
    second_key = client_for(create_key(user=user, name="second")[1])
    send = {
        "data": {"model": "tiny"},
        "files": photo_files(gray_photo_jpeg),
        "headers": {"Idempotency-Key": "shared-name"},
    }

    assert api.post(CREATE, **send).status_code == 200
    assert second_key.post(CREATE, **send).status_code == 200
    assert ColorizationJob.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_refusal_that_may_pass_later_is_not_replayed(
    api: httpx.Client, user: Any, gray_photo_jpeg: bytes
) -> None:
    send = {
        "data": {"model": "tiny"},
        "files": photo_files(gray_photo_jpeg),
        "headers": {"Idempotency-Key": "after-maintenance"},
    }
    with override_settings(COLORIZER_MODEL_CHOICES={"tiny": "gone", "large": "api-test-large"}):
        assert api.post(CREATE, **send).status_code == 503

    retry = api.post(CREATE, **send)

    assert retry.status_code == 200
    assert "Idempotent-Replayed" not in retry.headers


@pytest.mark.django_db(transaction=True)
def test_stored_answers_expire_after_a_day(
    api: httpx.Client, api_key: Any, user: Any, gray_photo_jpeg: bytes
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from colorizer_site.api.models import IdempotentRequest

    send = {
        "data": {"model": "tiny"},
        "files": photo_files(gray_photo_jpeg),
        "headers": {"Idempotency-Key": "yesterday"},
    }
    assert api.post(CREATE, **send).status_code == 200
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = api.post(CREATE, **{**send, "headers": {"Idempotency-Key": "today"}})
    reused = api.post(CREATE, **send)

    assert again.status_code == reused.status_code == 200
    assert "Idempotent-Replayed" not in reused.headers
    assert set(IdempotentRequest.objects.values_list("key", flat=True)) == {"today", "yesterday"}
    assert balance_of(user) == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_run_once(
    live_server: Any, api_key: Any, user: Any, gray_photo_jpeg: bytes
) -> None:
    statuses: list[int] = []
    start = threading.Barrier(6)

    def send() -> None:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            start.wait()
            response = client.post(
                CREATE,
                data={"model": "tiny"},
                files=photo_files(gray_photo_jpeg),
                headers={"X-API-KEY": api_key[1], "Idempotency-Key": "burst"},
            )
            statuses.append(response.status_code)

    with override_settings(TASKS=QUEUE_ONLY):
        threads = [threading.Thread(target=send) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert set(statuses) <= {200, 409}
    assert 200 in statuses
    assert ColorizationJob.objects.count() == 1
    assert balance_of(user) == 2


# --- credits under concurrency ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_requests_racing_for_five_credits_never_overdraw(
    live_server: Any, make_user: Any, gray_photo_jpeg: bytes
) -> None:
    owner = make_user(credits=5)
    _, raw_key = create_key(user=owner, name="race")
    statuses: list[int] = []
    start = threading.Barrier(20)

    def send() -> None:
        with httpx.Client(base_url=live_server.url, timeout=60) as client:
            start.wait()
            response = client.post(
                CREATE,
                data={"model": "tiny"},
                files=photo_files(gray_photo_jpeg),
                headers={"X-API-KEY": raw_key},
            )
            statuses.append(response.status_code)

    with override_settings(TASKS=QUEUE_ONLY):
        threads = [threading.Thread(target=send) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert Counter(statuses) == {200: 5, 403: 15}
    assert balance_of(owner) == 0
    assert ColorizationJob.objects.filter(owner=owner).count() == 5
    entries = CreditEntry.objects.filter(user=owner)
    assert sum(entry.delta for entry in entries) == 0
    assert min(entry.balance_after for entry in entries) >= 0


# --- result links -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_result_links_expire(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    with override_settings(COLORIZER_RESULT_URL_MAX_AGE=1):
        response = api.post(
            CREATE, data={"sync": "1", "model": "tiny"}, files=photo_files(gray_photo_jpeg)
        )
        link = response.json()["data"]["image"]
        assert httpx.get(link).status_code == 200

        time.sleep(2.2)
        expired = httpx.get(link)

    assert expired.status_code == 410
    assert "expired" in expired.text
    task_id = response.json()["data"]["task_id"]
    fresh = api.get(f"{CREATE}/{task_id}").json()["data"]["image"]
    assert fresh != link
    assert httpx.get(fresh).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_tampered_result_link_is_refused(api: httpx.Client, gray_photo_jpeg: bytes) -> None:
    response = api.post(
        CREATE, data={"sync": "1", "model": "tiny"}, files=photo_files(gray_photo_jpeg)
    )
    link = response.json()["data"]["image"]
    other_task = "f" * 32

    head, _, signature = link.rpartition(":")
    flipped = head + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]
    forged = link.replace(response.json()["data"]["task_id"], other_task)

    assert httpx.get(flipped).status_code == 404
    assert httpx.get(forged).status_code == 404
