"""Batches from the colorize page: many files and ZIPs in one post, all-or-nothing charge,
one poll for the whole batch, skipped files listed, and the streamed ZIP of results."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from colorizer_site.credits.models import CreditEntry
from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import Batch, ColorizationJob

pytestmark = pytest.mark.django_db


def small_photo(shade: int = 90, size: tuple[int, int] = (48, 36)) -> bytes:
    image = Image.new("L", size, shade)
    image.paste(255 - shade, (8, 8, 24, 20))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_batch(client, capture, files: list[SimpleUploadedFile], **options):
    data = {"model": "tiny", "output_format": "png", **options, "image": files}
    with capture(execute=True):
        return client.post(reverse("web:colorize"), data)


def test_many_files_and_a_zip_make_one_batch_with_the_non_photos_listed(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    archive = zip_of(
        {
            "album/1950/beach.jpg": small_photo(60),
            "album/1951/beach.jpg": small_photo(120),  # same name in another folder
            "album/readme.txt": b"scanned by grandad",
            "__MACOSX/album/._beach.jpg": b"resource fork",
            "album/.DS_Store": b"finder",
        }
    )

    response = post_batch(
        client,
        django_capture_on_commit_callbacks,
        [
            upload("beach.jpg", small_photo(200)),
            upload("wedding.jpg", small_photo(30)),
            upload("album.zip", archive, "application/zip"),
        ],
    )

    batch = Batch.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:batch_detail", args=[batch.batch_id])
    jobs = list(batch.jobs.order_by("id"))
    assert [job.input_meta["name"] for job in jobs] == [
        "beach.jpg",
        "wedding.jpg",
        "beach.jpg",
        "beach.jpg",
    ]
    assert all(job.source == ColorizationJob.Source.WEB for job in jobs)
    assert all(job.options["output_format"] == "png" for job in jobs)
    assert batch.cost == 4 and balance_of(owner) == 6
    assert batch.skipped == [
        {"name": "readme.txt", "reason": batch.skipped[0]["reason"]},
    ]
    assert batch.skipped[0]["reason"].startswith("not a photo: only JPEG, PNG")

    page = client.get(response["Location"]).content.decode()
    assert "readme.txt" in page and "._beach.jpg" not in page and "DS_Store" not in page
    assert "Download all (ZIP)" in page
    # Each photo's own page leads back to its batch.
    job_page = client.get(reverse("web:job_detail", args=[jobs[0].task_id])).content.decode()
    assert reverse("web:batch_detail", args=[batch.batch_id]) in job_page


def test_the_batch_is_polled_in_one_request_that_stops_when_every_photo_has_ended(
    client, make_user, django_capture_on_commit_callbacks, django_assert_max_num_queries
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    post_batch(
        client,
        django_capture_on_commit_callbacks,
        [upload(f"photo-{index}.jpg", small_photo(20 * index)) for index in range(1, 7)],
    )
    batch = Batch.objects.get(owner=owner)
    url = reverse("web:batch_detail", args=[batch.batch_id])

    # Session, user, batch, its jobs, refunds: the same few queries for six photos or 200.
    with django_assert_max_num_queries(8):
        finished = client.get(url, headers={"HX-Request": "true"})

    html = finished.content.decode()
    assert finished.status_code == 286
    assert 'id="batch-status"' in html and "<html" not in html
    assert "6 of 6 photos finished" in html
    assert html.count('class="batch-photo"') == 6
    assert "hx-trigger" not in html

    ColorizationJob.objects.filter(batch=batch).update(
        state=ColorizationJob.State.PROCESSING, progress=50
    )
    Batch.objects.filter(id=batch.id).update(completed_at=None)
    running = client.get(url, headers={"HX-Request": "true"})
    assert running.status_code == 200
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert 'value="50"' in running.content.decode()


def test_failures_show_their_reason_and_refund(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    post_batch(
        client,
        django_capture_on_commit_callbacks,
        [upload("fine.jpg", small_photo()), upload("also-fine.jpg", small_photo(150))],
    )
    batch = Batch.objects.get(owner=owner)
    job = batch.jobs.order_by("id").last()
    # What the worker does when the engine gives up on a photo.
    from colorizer_site.jobs import endings

    ColorizationJob.objects.filter(id=job.id).update(state=ColorizationJob.State.PROCESSING)
    endings.fail_job(
        job, state=ColorizationJob.State.FAILED, code="x", message="The photo could not be read."
    )

    html = client.get(reverse("web:batch_detail", args=[batch.batch_id])).content.decode()

    assert "The photo could not be read. 1 credit refunded." in html
    assert "1 photo could not be colorized; the 1 credit for it was refunded" in html
    assert balance_of(owner) == 9


def test_a_batch_the_balance_cannot_cover_is_refused_whole_saying_how_many_fit(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=5)
    client.force_login(owner)
    files = [upload(f"photo-{index}.jpg", small_photo(10 * index)) for index in range(1, 5)]

    # 4 photos with scratch repair: 8 credits; 5 cover two of them.
    response = post_batch(client, django_capture_on_commit_callbacks, files, clean_scratches="on")

    html = response.content.decode()
    assert response.status_code == 400
    assert "These 4 photos cost 8 credits and your balance is 5: enough for 2 photos" in html
    assert balance_of(owner) == 5
    assert not Batch.objects.exists() and not ColorizationJob.objects.exists()
    assert not CreditEntry.objects.filter(user=owner, kind=CreditEntry.Kind.CHARGE).exists()


@override_settings(COLORIZER_BATCH_MAX_PHOTOS=3)
def test_more_photos_than_a_batch_holds_are_refused_before_anything_is_stored(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    archive = zip_of({f"p{index}.jpg": small_photo(index * 30) for index in range(4)})

    response = post_batch(
        client,
        django_capture_on_commit_callbacks,
        [upload("a.zip", archive, "application/zip"), upload("b.jpg", small_photo())],
    )

    assert response.status_code == 400
    assert "at most 3 photos and these files hold 5" in response.content.decode()
    assert balance_of(owner) == 10


def test_an_archive_without_photos_is_refused_next_to_the_field(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    archive = zip_of({"notes.txt": b"hello", "broken.jpg": b"\xff\xd8 not really"})

    response = post_batch(
        client, django_capture_on_commit_callbacks, [upload("a.zip", archive, "application/zip")]
    )

    errors = " ".join(response.context["form"].errors["image"])
    assert response.status_code == 400
    assert "None of these files is a photo" in errors
    assert balance_of(owner) == 10


def test_download_all_is_a_streamed_zip_named_after_the_originals_in_the_chosen_format(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    archive = zip_of({"one/beach.jpg": small_photo(60), "two/beach.jpg": small_photo(160)})
    post_batch(
        client,
        django_capture_on_commit_callbacks,
        [upload("beach.jpg", small_photo(100)), upload("album.zip", archive, "application/zip")],
        output_format="webp",
    )
    batch = Batch.objects.get(owner=owner)

    response = client.get(reverse("web:batch_download", args=[batch.batch_id]))

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert bundle.namelist() == [
        "beach-colorized.webp",
        "beach-colorized-2.webp",
        "beach-colorized-3.webp",
        "captions.csv",
    ]
    assert bundle.testzip() is None
    for name in bundle.namelist()[:-1]:
        with Image.open(io.BytesIO(bundle.read(name))) as image:
            assert image.format == "WEBP"


def test_another_users_batch_and_its_zip_are_404(
    client, make_user, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=10)
    client.force_login(owner)
    post_batch(
        client,
        django_capture_on_commit_callbacks,
        [upload("a.jpg", small_photo()), upload("b.jpg", small_photo(10))],
    )
    batch = Batch.objects.get(owner=owner)

    client.force_login(make_user(credits=3))

    assert client.get(reverse("web:batch_detail", args=[batch.batch_id])).status_code == 404
    assert client.get(reverse("web:batch_download", args=[batch.batch_id])).status_code == 404


def test_the_colorize_page_offers_many_files_and_zips_with_the_limits(client_user) -> None:
    html = client_user.get(reverse("web:home")).content.decode()

    assert "multiple" in html.split('name="image"', 1)[1].split(">", 1)[0]
    assert ".zip" in html and "application/zip" in html
    assert "up to 200 photos and 1.0\xa0GB in one batch" in html
    assert 'data-batch-max-photos="200"' in html


def test_the_upload_still_needs_the_csrf_token(make_user) -> None:
    from django.test import Client

    owner = make_user(credits=10)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)

    response = browser.post(
        reverse("web:colorize"),
        {
            "model": "tiny",
            "output_format": "jpeg",
            "image": [upload("a.jpg", small_photo()), upload("b.jpg", small_photo(9))],
        },
    )

    assert response.status_code == 403
    assert not Batch.objects.exists() and balance_of(owner) == 10
