"""Data export: asked for on the "Your data" page, built by the worker step into a ZIP
in storage, announced by email and on the page, downloadable by its owner only until it
expires."""

from __future__ import annotations

import csv
import io
import json
import os
import tracemalloc
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test.utils import override_settings
from django.utils import timezone

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.endings import cancel_job
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.notices.sending import send_due
from colorizer_site.privacy import exports
from colorizer_site.privacy.models import DataExport

YOUR_DATA = "/accounts/data/"
ASK = "/accounts/data/export/"


def ask_for_export(client: Any, capture: Any) -> DataExport:
    with capture(execute=True):
        response = client.post(ASK)
    assert response.status_code == 302
    return DataExport.objects.get()


def download(client: Any, export: DataExport) -> zipfile.ZipFile:
    response = client.get(f"/accounts/data/exports/{export.export_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
def test_the_zip_holds_every_photo_and_the_job_list_and_ledger_as_csv_and_json(
    client_user: Any,
    user: Any,
    submit: Any,
    make_photo: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    done = submit(user, image=make_photo(200, 150))
    png = submit(user, image=make_photo(160, 120, fmt="PNG"), output_format="png")
    waiting = submit(user, run=False)
    cancel_job(waiting)

    export = ask_for_export(client_user, django_capture_on_commit_callbacks)
    archive = download(client_user, export)

    names = set(archive.namelist())
    for job in (done, png):
        original = f"originals/{job.task_id}.{job.input_file.name.rsplit('.', 1)[-1]}"
        result = f"results/{job.task_id}.{job.result_file.name.rsplit('.', 1)[-1]}"
        assert archive.read(original) == job.input_file.open("rb").read()
        assert archive.read(result) == job.result_file.open("rb").read()
        names -= {original, result}
    # The cancelled job kept its input until now: it is in the ZIP as well.
    assert f"originals/{waiting.task_id}.jpg" in names
    assert {"jobs.csv", "jobs.json", "ledger.csv", "ledger.json", "account.json"} <= names

    job_rows = list(csv.DictReader(io.StringIO(archive.read("jobs.csv").decode())))
    assert [row["task_id"] for row in job_rows] == [done.task_id, png.task_id, waiting.task_id]
    assert [row["state"] for row in job_rows] == ["Succeeded", "Succeeded", "Cancelled"]
    assert job_rows[1]["output_format"] == "png"
    assert job_rows[0]["original_name"] == "photo.jpg"
    assert json.loads(archive.read("jobs.json")) == [
        {**row, "state_code": int(row["state_code"]), "cost": int(row["cost"])}
        | {
            key: row[key] == "True"
            for key in ("clean_scratches", "face_remaster", "removed_from_gallery")
        }
        | {key: int(row[key]) for key in ("width", "height")}
        for row in job_rows
    ]

    ledger = list(csv.DictReader(io.StringIO(archive.read("ledger.csv").decode())))
    entries = CreditEntry.objects.filter(user=user).order_by("created_at", "id")
    assert [(row["kind"], int(row["delta"])) for row in ledger] == [
        (entry.kind, entry.delta) for entry in entries
    ]
    assert sum(int(row["delta"]) for row in ledger) == balance_of(user) == 1
    assert [row["task_id"] for row in ledger if row["kind"] == "refund"] == [waiting.task_id]
    assert json.loads(archive.read("ledger.json"))[-1]["balance_after"] == 1
    account = json.loads(archive.read("account.json"))
    assert (account["email"], account["credits"], account["photo_files"]) == (
        user.email,
        1,
        5,
    )


@pytest.mark.django_db
def test_the_link_is_emailed_by_the_worker_and_shown_on_the_page(
    client_user: Any, user: Any, submit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    submit(user)

    export = ask_for_export(client_user, django_capture_on_commit_callbacks)

    assert export.state == DataExport.State.READY
    # The mail goes through the outbox, which the worker sends (notices.sending).
    assert mail.outbox == []
    assert send_due() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = f"/accounts/data/exports/{export.export_id}/download/"
    assert link in message.body
    assert "48 hours" in message.body
    page = client_user.get(YOUR_DATA).content.decode()
    assert link in page
    assert "2 photo files" in page


@pytest.mark.django_db
def test_only_the_owner_can_download(
    client: Any,
    client_user: Any,
    user: Any,
    make_user: Any,
    submit: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    submit(user)
    export = ask_for_export(client_user, django_capture_on_commit_callbacks)
    link = f"/accounts/data/exports/{export.export_id}/download/"
    client_user.logout()

    anonymous = client.get(link)
    client.force_login(make_user(email="mallory@example.com"))
    stranger = client.get(link)

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert stranger.status_code == 404


@pytest.mark.django_db
def test_an_expired_link_is_gone_and_the_worker_deletes_the_file(
    client_user: Any, user: Any, submit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    submit(user)
    with override_settings(COLORIZER_EXPORT_RETENTION_HOURS=2):
        export = ask_for_export(client_user, django_capture_on_commit_callbacks)
    assert export.expires_at - export.ready_at == timedelta(hours=2)
    stored = export.file.name
    assert default_storage.exists(stored)
    DataExport.objects.filter(id=export.id).update(expires_at=timezone.now() - timedelta(1))

    response = client_user.get(f"/accounts/data/exports/{export.export_id}/download/")
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert exports.purge_expired() == 1
    assert not default_storage.exists(stored)
    export.refresh_from_db()
    assert (export.state, export.file.name) == (DataExport.State.EXPIRED, "")


@pytest.mark.django_db
def test_the_page_polls_while_the_export_is_prepared_and_stops_when_ready(
    client_user: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        client_user.post(ASK)
        client_user.post(ASK)  # a second click while waiting asks for nothing more
    export = DataExport.objects.get()

    waiting = client_user.get(YOUR_DATA, headers={"HX-Request": "true"})
    assert waiting.status_code == 200
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "being prepared" in waiting.content.decode()

    exports.build(export.id)
    done = client_user.get(YOUR_DATA, headers={"HX-Request": "true"})
    assert done.status_code == 286
    assert "Download the ZIP" in done.content.decode()
    assert "hx-trigger" not in done.content.decode()


@pytest.mark.django_db
def test_the_zip_is_written_through_a_file_not_held_in_memory(user: Any) -> None:
    # Three 6 MB "photos" stored as job inputs: the build's peak Python memory must stay
    # below the size of one of them, so neither a photo nor the archive sits in memory.
    size = 6 * 1024 * 1024
    for number in range(3):
        name = default_storage.save(f"inputs/test/big{number}.png", ContentFile(os.urandom(size)))
        ColorizationJob.objects.create(owner=user, input_file=name, cost=1, state=-9)
    export = DataExport.objects.create(owner=user)

    tracemalloc.start()
    try:
        exports.build(export.id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    export.refresh_from_db()
    assert export.state == DataExport.State.READY
    assert export.photos == 3
    assert export.size > 3 * size
    assert peak < size / 2, f"peak {peak / 1e6:.1f} MB"
