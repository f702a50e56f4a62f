"""Share links over HTTP: made by the owner, opened by anyone, 404 once revoked, expired or
the photo is deleted; never indexed, never leaking the upload's metadata."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from colorizer_site.jobs import files, sharing
from colorizer_site.jobs.models import Batch, ShareLink
from tests.web.jobs_helpers import make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def job_for(django_capture_on_commit_callbacks, gps_photo):
    def make(owner, **kwargs):
        return make_job(owner, gps_photo, capture=django_capture_on_commit_callbacks, **kwargs)

    return make


@pytest.fixture(scope="session")
def gps_photo() -> bytes:
    """A grey JPEG whose EXIF says where it was taken."""
    image = Image.linear_gradient("L").resize((200, 120))
    exif = Image.Exif()
    exif[0x010F] = "Rolleiflex"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def share_url(token: str) -> str:
    return reverse("web:shared", args=[token])


def test_the_owner_makes_a_link_from_the_job_page(client_user, user, job_for) -> None:
    job = job_for(user)
    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    assert reverse("web:share_job", args=[job.task_id]) in page

    response = client_user.post(
        reverse("web:share_job", args=[job.task_id]), {"expires_in_days": "7"}
    )

    link = ShareLink.objects.get(job=job)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('web:shares')}#share-{link.id}"
    assert link.expires_at - timezone.now() > timedelta(days=6, hours=23)
    listing = client_user.get(reverse("web:shares")).content.decode()
    assert f"http://testserver/s/{link.token}/" in listing
    assert len(link.token) >= 32


def test_anyone_opens_the_link_without_an_account(user, job_for) -> None:
    job = job_for(user)
    _, token = sharing.create_share(owner=user, job=job)
    stranger = Client()

    page = stranger.get(share_url(token))
    after = stranger.get(reverse("web:shared_image", args=[token, job.task_id, "after"]))
    download = stranger.get(reverse("web:shared_download", args=[token, job.task_id]))

    assert page.status_code == 200
    html = page.content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"
    assert 'data-testid="compare"' in html
    assert user.email not in html  # who shared it is nobody else's business
    assert after.status_code == 200 and after["X-Robots-Tag"] == "noindex, nofollow"
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content == files.read(job.result_file)
    assert ShareLink.objects.get(job=job).views == 1


def test_the_public_before_image_is_the_photo_in_grey_without_its_gps(user, job_for) -> None:
    job = job_for(user)
    _, token = sharing.create_share(owner=user, job=job)

    before = Client().get(reverse("web:shared_image", args=[token, job.task_id, "before"]))

    with Image.open(io.BytesIO(before.content)) as image:
        assert image.size == (200, 120)
        assert image.mode == "L"
        assert 0x8825 not in image.getexif()


def test_a_revoked_link_is_a_404_everywhere(client_user, user, job_for) -> None:
    job = job_for(user)
    link, token = sharing.create_share(owner=user, job=job)

    response = client_user.post(reverse("web:share_revoke", args=[link.id]))

    assert response.status_code == 302
    stranger = Client()
    for url in (
        share_url(token),
        reverse("web:shared_image", args=[token, job.task_id, "after"]),
        reverse("web:shared_download", args=[token, job.task_id]),
    ):
        assert stranger.get(url).status_code == 404, url
    assert "Revoked" in client_user.get(reverse("web:shares")).content.decode()


def test_an_expired_link_is_a_404(user, job_for) -> None:
    job = job_for(user)
    link, token = sharing.create_share(owner=user, job=job, expires_in_days=1)
    ShareLink.objects.filter(id=link.id).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert Client().get(share_url(token)).status_code == 404


def test_a_deleted_photo_takes_its_link_down(client_user, user, job_for) -> None:
    job = job_for(user)
    _, token = sharing.create_share(owner=user, job=job)

    client_user.post(reverse("web:job_delete", args=[job.task_id]))

    assert Client().get(share_url(token)).status_code == 404


def test_a_guessed_or_altered_token_is_a_404(user, job_for) -> None:
    job = job_for(user)
    _, token = sharing.create_share(owner=user, job=job)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert Client().get(share_url(altered)).status_code == 404
    # The lookup prefix alone opens nothing.
    assert Client().get(share_url(token[: ShareLink.LOOKUP_LENGTH])).status_code == 404


def test_nobody_revokes_or_makes_links_for_someone_elses_photo(
    client, make_user, user, job_for
) -> None:
    job = job_for(user)
    link, token = sharing.create_share(owner=user, job=job)
    other = make_user(email="other@example.com")
    client.force_login(other)

    assert client.post(reverse("web:share_revoke", args=[link.id])).status_code == 404
    assert client.post(reverse("web:share_job", args=[job.task_id])).status_code == 404
    assert Client().get(share_url(token)).status_code == 200


def test_a_job_still_in_the_queue_cannot_be_shared(client_user, user, job_for) -> None:
    job = job_for(user, run=False)

    with pytest.raises(sharing.CannotShare):
        sharing.create_share(owner=user, job=job)
    response = client_user.post(reverse("web:share_job", args=[job.task_id]), follow=True)
    assert "Only a colorized photo" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_a_shared_batch_shows_its_photos_and_only_them(client_user, user, job_for) -> None:
    batch = Batch.objects.create(owner=user)
    first, second = job_for(user), job_for(user)
    outsider = job_for(user)
    for job in (first, second):
        job.batch = batch
        job.save(update_fields=["batch"])

    batch.completed_at = timezone.now()
    batch.save(update_fields=["completed_at"])
    batch_page = client_user.get(reverse("web:batch_detail", args=[batch.batch_id]))
    assert reverse("web:share_batch", args=[batch.batch_id]) in batch_page.content.decode()

    response = client_user.post(reverse("web:share_batch", args=[batch.batch_id]))
    link = ShareLink.objects.get(batch=batch)
    stranger = Client()
    page = stranger.get(share_url(link.token))

    assert response.status_code == 302
    html = page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert reverse("web:shared_photo", args=[link.token, first.task_id]) in html
    assert reverse("web:shared_photo", args=[link.token, second.task_id]) in html
    assert outsider.task_id not in html
    photo = stranger.get(reverse("web:shared_photo", args=[link.token, first.task_id]))
    assert photo.status_code == 200
    # A photo outside the batch is not reachable through the batch's token.
    assert (
        stranger.get(reverse("web:shared_photo", args=[link.token, outsider.task_id])).status_code
        == 404
    )


def test_a_shared_album_downloads_as_one_zip_and_stops_when_revoked(user, job_for) -> None:
    import zipfile

    batch = Batch.objects.create(owner=user)
    for _ in range(2):
        job = job_for(user)
        job.batch = batch
        job.save(update_fields=["batch"])
    link, token = sharing.create_share(owner=user, batch=batch)
    stranger = Client()

    response = stranger.get(reverse("web:shared_zip", args=[token]))

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "captions.csv",
        "grandma-colorized-2.jpg",
        "grandma-colorized.jpg",
    ]
    sharing.revoke_share(link)
    assert stranger.get(reverse("web:shared_zip", args=[token])).status_code == 404


@override_settings(DEBUG=True)
def test_a_revoked_link_shows_the_sites_own_404_even_with_debug_on(user: Any, submit: Any) -> None:
    job = submit(user)
    link, token = sharing.create_share(owner=user, job=job)
    sharing.revoke_share(link)

    response = Client().get(reverse("web:shared", args=[token]))

    body = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in body and "URLconf" not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert Client().get(reverse("web:shared_photo", args=[token, "0" * 32])).status_code == 404
