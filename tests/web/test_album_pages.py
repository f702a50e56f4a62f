"""Albums and captions on the pages: made at upload with a CSV of captions, filled from the
gallery and a job page, searched, shared and downloaded; facts edited one or many at once."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from colorizer_site.jobs import facts
from colorizer_site.jobs.models import Album, Batch, ColorizationJob, ShareLink
from tests.web.test_batch_pages import small_photo

pytestmark = pytest.mark.django_db

CAPTIONS = (
    "file_name,title,date,place,people,reference\n"
    "porch.jpg,On the porch,about 1925,Lübeck,Anna Schmidt; Karl Schmidt,B12/001\n"
    "harbour.jpg,The harbour,1950s,Kiel,,B12/002\n"
)


def upload_batch(client: Client, capture: Any, **extra: Any) -> Any:
    files = [
        SimpleUploadedFile("porch.jpg", small_photo(60), content_type="image/jpeg"),
        SimpleUploadedFile("harbour.jpg", small_photo(120), content_type="image/jpeg"),
    ]
    data = {"model": "tiny", "output_format": "jpeg", "image": files, **extra}
    with capture(execute=True):
        return client.post(reverse("web:colorize"), data)


def test_a_batch_goes_into_a_new_album_with_its_captions(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    csv_file = SimpleUploadedFile("catalogue.csv", CAPTIONS.encode(), content_type="text/csv")

    response = upload_batch(
        client, django_capture_on_commit_callbacks, album_name="Box 12", captions=csv_file
    )

    album = Album.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:album_detail", args=[album.album_id])
    page = client.get(response["Location"]).content.decode()
    assert page.index("On the porch") < page.index("The harbour")
    assert "Anna Schmidt, Karl Schmidt" in page
    assert "Download album (ZIP)" in page
    job = ColorizationJob.objects.get(input_meta__name="porch.jpg")
    assert (job.facts.year_from, job.facts.year_to) == (1923, 1927)


def test_the_album_zip_holds_captioned_photos_and_the_csv(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    csv_file = SimpleUploadedFile("c.csv", CAPTIONS.encode(), content_type="text/csv")
    upload_batch(client, django_capture_on_commit_callbacks, album_name="Box 12", captions=csv_file)
    album = Album.objects.get(owner=owner)

    response = client.get(reverse("web:album_download", args=[album.album_id]))

    assert response["Content-Disposition"] == 'attachment; filename="box-12.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == ["porch-colorized.jpg", "harbour-colorized.jpg", "captions.csv"]
    rows = list(csv.DictReader(io.StringIO(archive.read("captions.csv").decode())))
    assert rows[0]["people"] == "Anna Schmidt; Karl Schmidt"
    assert b"Anna Schmidt" in archive.read("porch-colorized.jpg")


def test_gallery_search_finds_people_and_filters_by_album_and_years(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    csv_file = SimpleUploadedFile("c.csv", CAPTIONS.encode(), content_type="text/csv")
    upload_batch(client, django_capture_on_commit_callbacks, album_name="Box 12", captions=csv_file)
    album = Album.objects.get(owner=owner)
    gallery = reverse("web:gallery")

    def shown(**query: Any) -> list[str]:
        response = client.get(gallery, query)
        return [job.input_meta["name"] for job in response.context["page"].object_list]

    assert shown(q="karl") == ["porch.jpg"]
    assert shown(q="harbour") == ["harbour.jpg"]
    assert shown(year_from=1950, year_to=1952) == ["harbour.jpg"]
    assert sorted(shown(album=album.album_id)) == ["harbour.jpg", "porch.jpg"]
    assert client.get(gallery, {"album": "f" * 32}).status_code == 404
    assert "Box 12" in client.get(gallery).content.decode()


def test_photos_chosen_in_the_gallery_go_into_a_new_or_existing_album(
    client_user: Client, user: Any, submit: Any
) -> None:
    first, second = submit(user), submit(user)
    response = client_user.post(
        reverse("web:gallery_to_album"),
        {"task_id": [first.task_id, second.task_id], "new_album": "Holidays"},
    )
    album = Album.objects.get(name="Holidays")
    assert response.status_code == 302
    assert list(album.jobs.order_by("album_entries__position")) == [first, second]
    third = submit(user)
    client_user.post(
        reverse("web:gallery_to_album"),
        {"task_id": [third.task_id], "album": album.album_id, "next": "/gallery/"},
    )
    assert album.entries.count() == 3


def test_facts_are_edited_on_the_job_page_and_for_several_photos_at_once(
    client_user: Client, user: Any, submit: Any
) -> None:
    first, second = submit(user), submit(user)
    client_user.post(
        reverse("web:job_facts", args=[first.task_id]),
        {"title": "Wedding", "date": "June 1948", "people": "Anna\nKarl"},
    )
    page = client_user.get(reverse("web:job_detail", args=[first.task_id])).content.decode()
    assert 'value="Wedding"' in page and "Anna\nKarl</textarea>" in page

    client_user.post(
        reverse("web:gallery_facts"),
        {"task_id": [first.task_id, second.task_id], "place": "Sylt"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert facts.facts_of(first) == facts.Facts(
        title="Wedding", date="June 1948", place="Sylt", people=("Anna", "Karl")
    )
    assert facts.facts_of(second) == facts.Facts(place="Sylt")


def test_a_shared_album_opens_signed_out_with_its_captions_and_zip(
    client_user: Client, user: Any, submit: Any
) -> None:
    job = submit(user)
    facts.save_facts(job, facts.Facts(title="Grandma at twenty", people=("Anna",)))
    album = Album.objects.create(owner=user, name="Family")
    album.entries.create(job=job, position=1)
    response = client_user.post(reverse("web:share_album", args=[album.album_id]), {})
    link = ShareLink.objects.get(album=album)
    assert response.status_code == 302

    stranger = Client()
    page = stranger.get(reverse("web:shared", args=[link.token])).content.decode()
    assert "<h1>Family</h1>" in page and "Grandma at twenty" in page
    archive = zipfile.ZipFile(
        io.BytesIO(
            b"".join(stranger.get(reverse("web:shared_zip", args=[link.token])).streaming_content)
        )
    )
    assert "captions.csv" in archive.namelist()
    photo = stranger.get(reverse("web:shared_photo", args=[link.token, job.task_id]))
    assert "original file stays private" in photo.content.decode()

    shares = client_user.get(reverse("web:shares")).content.decode()
    assert "Album “Family”" in shares
    client_user.post(reverse("web:share_revoke", args=[link.id]))
    shares = client_user.get(reverse("web:shares")).content.decode()
    assert f"/s/{link.token}/" in shares  # a revoked link still says which it was
    assert stranger.get(reverse("web:shared", args=[link.token])).status_code == 404


def test_renaming_and_deleting_an_album_keeps_the_photos(
    client_user: Client, user: Any, submit: Any
) -> None:
    job = submit(user)
    client_user.post(reverse("web:album_list"), {"name": "Old name"})
    album = Album.objects.get()
    client_user.post(reverse("web:album_rename", args=[album.album_id]), {"name": "New name"})
    album.refresh_from_db()
    assert album.name == "New name"
    client_user.post(reverse("web:album_delete", args=[album.album_id]))
    assert not Album.objects.exists()
    assert ColorizationJob.objects.visible_to(user).get() == job


def test_another_users_album_is_404(client_user: Client, make_user: Any) -> None:
    other = make_user(email="o@example.com")
    album = Album.objects.create(owner=other, name="Theirs")
    for name in ("album_detail", "album_download", "album_captions"):
        assert client_user.get(reverse(f"web:{name}", args=[album.album_id])).status_code == 404
    assert client_user.post(reverse("web:share_album", args=[album.album_id])).status_code == 404


def test_a_deleted_photo_leaves_its_batch_page_and_counts(
    client: Client, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    upload_batch(client, django_capture_on_commit_callbacks)
    batch = Batch.objects.get()
    gone = batch.jobs.get(input_meta__name="porch.jpg")
    client.post(reverse("web:gallery_delete"), {"task_id": [gone.task_id], "confirm": "yes"})

    page = client.get(reverse("web:batch_detail", args=[batch.batch_id])).content.decode()
    assert "porch.jpg" not in page
    assert "1 of 1 photo finished" in page
