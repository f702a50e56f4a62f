"""`api_key_required` on a small test view: 401s, the attached user, last_used."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from colorizer_site.keys import services
from colorizer_site.keys.decorators import INVALID_KEY, MALFORMED_KEY, MISSING_KEY
from colorizer_site.keys.models import ApiKey

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.keys.urls")]


def test_missing_key_is_401(client):
    response = client.get("/test/whoami")
    assert response.status_code == 401
    assert response.json() == {"error": MISSING_KEY}


def test_malformed_key_is_401(client):
    response = client.get("/test/whoami", headers={"X-API-KEY": "hunter2"})
    assert response.status_code == 401
    assert response.json() == {"error": MALFORMED_KEY}


def test_unknown_key_is_401(client, api_key):
    _key, raw = api_key
    forged = "cz_abcdefgh_" + raw.split("_", 2)[2]
    response = client.get("/test/whoami", headers={"X-API-KEY": forged})
    assert response.status_code == 401
    assert response.json() == {"error": INVALID_KEY}


def test_revoked_key_is_401_on_the_next_request(client, api_key):
    key, raw = api_key
    assert client.get("/test/whoami", headers={"X-API-KEY": raw}).status_code == 200
    services.revoke(key=key)
    response = client.get("/test/whoami", headers={"X-API-KEY": raw})
    assert response.status_code == 401
    assert response.json() == {"error": INVALID_KEY}


def test_good_key_attaches_user_and_key(client, api_key, user):
    _key, raw = api_key
    response = client.get("/test/whoami", headers={"X-API-KEY": raw})
    assert response.status_code == 200
    assert response.json() == {"email": user.email, "key": "test key"}


def test_header_name_is_case_insensitive_over_real_http(live_server, api_key, user):
    _key, raw = api_key
    for header in ["x-api-key", "X-Api-Key", "X-API-KEY"]:
        response = httpx.get(f"{live_server.url}/test/whoami", headers={header: raw})
        assert response.status_code == 200, header
        assert response.json()["email"] == user.email


def test_post_needs_no_csrf_token(live_server, api_key):
    _key, raw = api_key
    response = httpx.post(f"{live_server.url}/test/whoami", headers={"X-API-KEY": raw})
    assert response.status_code == 200


def test_on_failure_renders_the_callers_envelope(client):
    response = client.get("/test/whoami-enveloped", headers={"X-API-KEY": "nope"})
    assert response.status_code == 401
    assert response.json() == {"status": 401, "message": MALFORMED_KEY, "data": {}}


def test_last_used_is_written_at_most_once_a_minute(client, api_key):
    key, raw = api_key
    assert key.last_used_at is None
    client.get("/test/whoami", headers={"X-API-KEY": raw})
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first is not None

    client.get("/test/whoami", headers={"X-API-KEY": raw})
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first

    # A minute later the next request moves it on.
    earlier = timezone.now() - timedelta(seconds=61)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=earlier)
    client.get("/test/whoami", headers={"X-API-KEY": raw})
    assert ApiKey.objects.get(pk=key.pk).last_used_at > earlier + timedelta(seconds=60)


def test_failed_attempts_do_not_touch_last_used(client, api_key):
    key, raw = api_key
    services.revoke(key=key)
    client.get("/test/whoami", headers={"X-API-KEY": raw})
    assert ApiKey.objects.get(pk=key.pk).last_used_at is None
