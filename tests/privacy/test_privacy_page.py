"""The privacy page states the retention settings in force and is linked from every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings


@pytest.mark.django_db
def test_the_page_reads_its_figures_from_the_settings(client: Any) -> None:
    with override_settings(
        COLORIZER_RESULT_RETENTION_DAYS=7,
        COLORIZER_EXPORT_RETENTION_HOURS=12,
        COLORIZER_RESULT_URL_MAX_AGE=1800,
    ):
        page = client.get("/privacy/")
    with override_settings(COLORIZER_RESULT_RETENTION_DAYS=1, COLORIZER_EXPORT_RETENTION_HOURS=1):
        shorter = client.get("/privacy/").content.decode()

    assert page.status_code == 200
    text = page.content.decode()
    assert "7 days after the colorization finishes" in text
    assert "12 hours after they are ready" in text
    assert "works for 30 minutes" in text
    assert "on this server&#x27;s disk" in text
    assert "1 day after the colorization finishes" in shorter
    assert "1 hour after they are ready" in shorter
    assert "5 failures lock that account from that network address for 15 minutes" in text


@pytest.mark.django_db
def test_the_page_names_s3_storage_when_configured(client: Any) -> None:
    storages = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        text = client.get("/privacy/").content.decode()

    assert "S3 object storage bucket" in text


@pytest.mark.django_db
def test_the_footer_links_to_it_and_your_data_page_offers_export_and_deletion(
    client_user: Any,
) -> None:
    home = Client().get("/").content.decode()
    data_page = client_user.get("/accounts/data/").content.decode()
    profile = client_user.get("/accounts/profile/").content.decode()

    assert 'href="/privacy/"' in home
    assert 'action="/accounts/data/export/"' in data_page
    assert 'href="/accounts/delete/"' in data_page
    assert 'href="/accounts/data/"' in profile
