"""Issuing, storing, checking and revoking API keys."""

import hashlib
import hmac

import pytest
from django.conf import settings

from colorizer_site.keys import services
from colorizer_site.keys.models import ApiKey

pytestmark = pytest.mark.django_db


def test_key_reads_cz_prefix_secret_and_only_its_hmac_is_stored(user):
    key, raw = services.create_key(user=user, name="laptop")
    assert services.KEY_PATTERN.match(raw)
    assert raw.startswith(f"cz_{key.prefix}_")
    assert len(key.prefix) == 8
    stored = ApiKey.objects.get(pk=key.pk)
    expected = hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()
    assert stored.secret_hash == expected
    assert raw.split("_", 2)[2] not in stored.secret_hash
    assert stored.name == "laptop"


def test_keys_are_unique(user):
    raws = {services.create_key(user=user, name=f"k{number}")[1] for number in range(10)}
    assert len(raws) == 10
    assert len(set(ApiKey.objects.values_list("prefix", flat=True))) == 10


def test_authenticate_accepts_good_key_and_loads_its_user(api_key, user):
    key, raw = api_key
    found = services.authenticate(raw)
    assert found is not None and found.pk == key.pk
    assert found.user == user


@pytest.mark.parametrize(
    "mangle",
    [
        lambda raw: raw[:-1] + ("A" if raw[-1] != "A" else "B"),  # wrong secret
        lambda raw: "cz_zzzzzzzz_" + raw.split("_", 2)[2],  # unknown prefix
        lambda raw: raw.upper(),  # malformed
        lambda raw: "",
        lambda raw: "Bearer " + raw,
    ],
)
def test_authenticate_refuses_wrong_unknown_or_malformed_keys(api_key, mangle):
    _key, raw = api_key
    assert services.authenticate(mangle(raw)) is None


def test_revoked_key_stops_working_at_once(api_key):
    key, raw = api_key
    services.revoke(key=key)
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    assert services.authenticate(raw) is None


def test_revoking_twice_keeps_first_time(api_key):
    key, _raw = api_key
    services.revoke(key=key)
    first = ApiKey.objects.get(pk=key.pk).revoked_at
    services.revoke(key=ApiKey.objects.get(pk=key.pk))
    assert ApiKey.objects.get(pk=key.pk).revoked_at == first


def test_key_of_deactivated_user_is_refused(api_key, user):
    _key, raw = api_key
    user.is_active = False
    user.save()
    assert services.authenticate(raw) is None


def test_a_changed_secret_key_setting_invalidates_keys(api_key, settings):
    _key, raw = api_key
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert services.authenticate(raw) is None


def test_at_most_twenty_live_keys(user, settings):
    assert settings.COLORIZER_MAX_LIVE_API_KEYS == 20
    keys = [services.create_key(user=user, name=f"key {n}")[0] for n in range(20)]
    with pytest.raises(services.TooManyKeys, match="already have 20 live API keys"):
        services.create_key(user=user, name="one too many")
    services.revoke(key=keys[0])
    services.create_key(user=user, name="replacement")
    assert services.live_keys(user) == 20
    assert ApiKey.objects.filter(user=user).count() == 21


def test_limit_is_per_user(make_user, settings):
    settings.COLORIZER_MAX_LIVE_API_KEYS = 1
    first, second = make_user(), make_user()
    services.create_key(user=first, name="a")
    services.create_key(user=second, name="b")
    with pytest.raises(services.TooManyKeys):
        services.create_key(user=first, name="c")
