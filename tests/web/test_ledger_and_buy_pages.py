"""The ledger names the photo a line paid for (thumbnail, link to its page) instead of a
short task id, and "Buy credits" says how credits are had on this installation."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from colorizer_site.credits.models import CreditEntry
from colorizer_site.jobs import files, services
from colorizer_site.jobs.options import JobOptions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guided_models")]


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def submit(owner: Any, name: str, on_commit: Any) -> Any:
    with on_commit(execute=True):  # the queue runs the job once its row is committed
        job = services.submit_job(
            owner=owner, image=photo(), filename=name, options=JobOptions(model="tiny")
        )
    job.refresh_from_db()
    return job


def test_ledger_shows_the_photos_name_thumbnail_and_page_not_its_task_id(
    client_user, user, django_capture_on_commit_callbacks
):
    job = submit(user, "grandmother-1931.png", django_capture_on_commit_callbacks)
    assert job.thumbnail
    html = client_user.get(reverse("credits:ledger")).content.decode()

    assert "Charge: Colorization</td>" in html
    assert f"Colorization {job.task_id[:8]}" not in html
    assert "grandmother-1931.png" in html
    assert f'href="{reverse("web:job_detail", args=[job.task_id])}"' in html
    assert f'src="{reverse("web:job_thumbnail", args=[job.task_id])}"' in html
    # The stored memo is the ledger's record and stays as it was written.
    entry = CreditEntry.objects.get(job=job, kind=CreditEntry.Kind.CHARGE)
    assert entry.memo == f"Colorization {job.task_id[:8]}"


def test_ledger_keeps_the_name_of_a_deleted_photo_without_a_dead_link(
    client_user, user, django_capture_on_commit_callbacks
):
    job = submit(user, "uncle-at-the-fair.png", django_capture_on_commit_callbacks)
    assert files.delete_jobs(owner=user, task_ids=[job.task_id]) == 1
    html = client_user.get(reverse("credits:ledger")).content.decode()

    assert "uncle-at-the-fair.png" in html and "(deleted)" in html
    assert reverse("web:job_detail", args=[job.task_id]) not in html
    assert reverse("web:job_thumbnail", args=[job.task_id]) not in html


def test_ledger_lines_without_a_job_keep_their_memo(client_user):
    html = client_user.get(reverse("credits:ledger")).content.decode()
    assert "Grant: Welcome bonus" in html


def test_buy_page_names_the_grant_command_and_the_support_address(client_user, user, settings):
    settings.COLORIZER_SUPPORT_EMAIL = "help@colorizer.example"
    html = client_user.get(reverse("credits:buy")).content.decode()

    assert "does not take card payments" in html
    assert "python manage.py grant_credits ada@example.com" in html
    assert 'href="mailto:help@colorizer.example?subject=Credits%20for%20ada%40example.com"' in html
    assert 'action="/credits/buy/' not in html


def test_buy_page_falls_back_to_admins_then_to_plain_words(client_user, settings):
    settings.COLORIZER_SUPPORT_EMAIL = ""
    settings.ADMINS = [("Operator", "operator@colorizer.example")]
    html = client_user.get(reverse("credits:buy")).content.decode()
    assert "mailto:operator@colorizer.example" in html

    settings.ADMINS = []
    html = client_user.get(reverse("credits:buy")).content.decode()
    assert "mailto:" not in html
    assert "the person who runs this site" in html


def test_buy_page_with_a_paying_provider_sells_packs_instead(client_user, settings):
    settings.COLORIZER_PAYMENT_PROVIDER = "tests.credits.test_pages.RecordingProvider"
    html = client_user.get(reverse("credits:buy")).content.decode()
    assert "Buy 10 credits" in html
    assert "grant_credits" not in html
    assert "payment page of test provider" in html
