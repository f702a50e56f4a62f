"""Email when long work ends: a notice row written with the batch's or the export's final
state, sent by the worker's duty, kept and retried when the mail server fails."""

from __future__ import annotations

import io
import socket
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from colorizer_site.accounts.models import Preferences
from colorizer_site.jobs import batches
from colorizer_site.jobs.services import JobOptions
from colorizer_site.notices import sending
from colorizer_site.notices.models import EmailNotice
from colorizer_site.privacy import exports

Status = EmailNotice.Status


def photo_sources(count: int) -> list[batches.PhotoSource]:
    sources = []
    for index in range(count):
        buffer = io.BytesIO()
        Image.new("L", (40, 30), 20 * index).save(buffer, "PNG")
        data = buffer.getvalue()
        sources.append(
            batches.PhotoSource(f"p{index}.png", len(data), lambda n, data=data: data[:n])
        )
    return sources


def closed_port() -> int:
    """A loopback port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_a_finished_batch_is_mailed_once_with_its_link(make_user, mailoutbox):
    owner = make_user(credits=5)
    batch = batches.submit_batch(
        owner=owner, sources=photo_sources(2), options=JobOptions(model="tiny")
    )
    notice = EmailNotice.objects.get()
    assert (notice.kind, notice.subject_id, notice.status) == (
        EmailNotice.Kind.BATCH_READY,
        batch.batch_id,
        Status.PENDING,
    )
    mailoutbox.clear()  # the sign-up mails of make_user, if any

    assert sending.send_due() == 1
    (message,) = mailoutbox
    assert message.to == [owner.email]
    assert message.subject == "Colorizer: your batch is ready"
    assert "Your batch of 2 photos is ready: 2 colorized." in message.body
    assert f"/batches/{batch.batch_id}/" in message.body
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.sent_at is not None
    assert sending.send_due() == 0


@pytest.mark.django_db(transaction=True)
def test_nobody_is_mailed_who_turned_the_notices_off(make_user):
    owner = make_user(credits=5)
    Preferences.objects.create(user=owner, email_when_ready=False)
    batches.submit_batch(owner=owner, sources=photo_sources(1), options=JobOptions(model="tiny"))
    assert not EmailNotice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_keeps_the_notice_and_a_later_try_delivers_it(make_user, mailoutbox):
    owner = make_user()
    export = exports.request_export(owner)
    export.refresh_from_db()
    assert export.state == export.State.READY
    notice = EmailNotice.objects.get(kind=EmailNotice.Kind.EXPORT_READY)
    mailoutbox.clear()

    smtp_down = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": closed_port(),
        "EMAIL_TIMEOUT": 2,
    }
    with override_settings(**smtp_down):
        assert sending.send_due() == 1
    notice.refresh_from_db()
    assert notice.status == Status.PENDING
    assert notice.attempts == 1
    assert "refused" in notice.last_error.lower()
    assert notice.next_attempt_at > timezone.now() + timedelta(seconds=50)
    assert sending.send_due() == 0  # not due before its retry time

    EmailNotice.objects.filter(id=notice.id).update(next_attempt_at=timezone.now())
    assert sending.send_due() == 1
    (message,) = mailoutbox
    assert message.subject == "Your Colorizer data export is ready"
    assert f"/accounts/data/exports/{export.export_id}/download/" in message.body
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Status.SENT, 2)


@pytest.mark.django_db
def test_after_the_last_retry_the_notice_is_marked_failed_and_kept(make_user, settings):
    settings.COLORIZER_NOTICE_RETRY_SCHEDULE = [60]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    notice = EmailNotice.objects.create(
        user=make_user(), kind=EmailNotice.Kind.EXPORT_READY, subject_id="0" * 32
    )
    for _ in range(2):
        EmailNotice.objects.filter(id=notice.id).update(next_attempt_at=timezone.now())
        sending.send_due()
    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (Status.FAILED, 2)
    assert notice.last_error


@pytest.mark.django_db
def test_the_profile_page_turns_the_notices_off(client_user, user):
    page = client_user.get("/accounts/profile/").content.decode()
    assert "Email me when a batch or a data export is ready" in page
    client_user.post("/accounts/preferences/", {})
    assert Preferences.objects.get(user=user).email_when_ready is False
