"""Sign-in with Google, GitHub or Microsoft: off unless the operator configures it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

REPO = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'apps': [a for a in settings.INSTALLED_APPS if 'providers' in a], "
    "'providers': settings.SOCIALACCOUNT_PROVIDERS}))"
)


def settings_with(extra: dict[str, str]) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COLORIZER_GOOGLE", "COLORIZER_GITHUB", "COLORIZER_MICROSOFT"))
    }
    env.update(DJANGO_SETTINGS_MODULE="colorizer_site.settings", SECRET_KEY="probe", **extra)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_no_provider_is_installed_by_default():
    assert settings_with({}) == {"apps": [], "providers": {}}


def test_a_provider_is_on_when_both_its_variables_are_set():
    found = settings_with(
        {
            "COLORIZER_GITHUB_CLIENT_ID": "id-1",
            "COLORIZER_GITHUB_SECRET": "secret-1",
            "COLORIZER_GOOGLE_CLIENT_ID": "only-half",
        }
    )
    assert found["apps"] == ["allauth.socialaccount.providers.github"]
    assert found["providers"] == {"github": {"APPS": [{"client_id": "id-1", "secret": "secret-1"}]}}


@pytest.mark.django_db
def test_the_log_in_page_offers_no_provider_without_configuration(client):
    assert not [app for app in settings.INSTALLED_APPS if ".providers." in app]
    html = client.get(reverse("account_login")).content.decode()
    assert "/accounts/github/" not in html and "third-party" not in html.lower()
