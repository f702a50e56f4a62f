"""The colorize form: cost and balance, errors next to the field before any charge, success."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.web.jobs_helpers import serving

pytestmark = pytest.mark.django_db


def _post(client, capture, **data):
    with capture(execute=True):
        return client.post(reverse("web:colorize"), data)


def _upload(content: bytes, name: str = "grandma.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


def test_signed_in_home_is_the_colorize_form_with_cost_and_balance(client_user) -> None:
    response = client_user.get(reverse("web:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="colorize-form"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="image_url"' in html
    assert 'data-cost="2"' in html  # the clarity boost carries its price
    assert 'data-testid="form-balance">3<' in html
    assert "disabled" not in html.split("data-submit", 1)[1].split(">", 1)[0]


def test_visitors_get_the_landing_page_not_the_form(client) -> None:
    html = client.get(reverse("web:home")).content.decode()

    assert 'id="colorize-form"' not in html
    assert reverse("account_signup") in html


def test_an_empty_balance_disables_the_button_with_an_explanation(client, make_user) -> None:
    client.force_login(make_user(credits=0))

    html = client.get(reverse("web:home")).content.decode()

    assert "data-submit disabled" in html
    assert "You need at least 1 credit to colorize a photo." in html
    assert reverse("credits:buy") in html


def test_uploading_a_photo_charges_and_opens_the_job_page(
    client_user, user, gray_photo_jpeg, django_capture_on_commit_callbacks
) -> None:
    response = _post(
        client_user,
        django_capture_on_commit_callbacks,
        image=_upload(gray_photo_jpeg),
        model="tiny",
        output_format="png",
        clean_scratches="on",
    )

    job = ColorizationJob.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job_detail", args=[job.task_id])
    assert job.options["output_format"] == "png"
    assert job.options["clean_scratches"] is True
    assert job.cost == 2
    assert balance_of(user) == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 not a photo", "notes.pdf", ""),
        (b"", "empty.jpg", "empty"),
    ],
)
def test_a_wrong_file_is_refused_next_to_the_field_without_charge(
    client_user, user, django_capture_on_commit_callbacks, content, name, message
) -> None:
    response = _post(
        client_user,
        django_capture_on_commit_callbacks,
        image=_upload(content, name),
        model="tiny",
        output_format="jpeg",
    )

    errors = _field_errors(response, "image")
    assert response.status_code == 400
    assert errors and message in " ".join(errors).lower()
    assert 'class="field field-error"' in response.content.decode()
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


@override_settings(COLORIZER_MAX_UPLOAD_BYTES=1000)
def test_a_too_big_file_is_refused_next_to_the_field(
    client_user, user, gray_photo_jpeg, django_capture_on_commit_callbacks
) -> None:
    response = _post(
        client_user,
        django_capture_on_commit_callbacks,
        image=_upload(gray_photo_jpeg),
        model="tiny",
        output_format="jpeg",
    )

    assert response.status_code == 400
    assert "the limit is 1000" in " ".join(_field_errors(response, "image"))
    assert balance_of(user) == 3


def test_a_photo_behind_a_url_is_fetched_and_colorized(
    client_user, user, gray_photo_jpeg, django_capture_on_commit_callbacks
) -> None:
    with serving({"/old.jpg": (200, "image/jpeg", gray_photo_jpeg)}) as base:
        response = _post(
            client_user,
            django_capture_on_commit_callbacks,
            image_url=f"{base}/old.jpg",
            model="tiny",
            output_format="jpeg",
        )

    job = ColorizationJob.objects.get(owner=user)
    assert response.status_code == 302
    assert job.input_meta["source_url"] == f"{base}/old.jpg"
    assert job.input_meta["name"] == "old.jpg"
    assert job.state == ColorizationJob.State.SUCCEEDED


def test_a_bad_url_is_refused_next_to_the_url_field_without_charge(
    client_user, user, django_capture_on_commit_callbacks
) -> None:
    with serving({}) as base:
        response = _post(
            client_user,
            django_capture_on_commit_callbacks,
            image_url=f"{base}/gone.jpg",
            model="tiny",
            output_format="jpeg",
        )

    assert response.status_code == 400
    assert _field_errors(response, "image_url")
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.exists()


def test_a_url_that_is_not_an_image_is_refused(
    client_user, user, django_capture_on_commit_callbacks
) -> None:
    with serving({"/page": (200, "text/html", b"<html>hello</html>")}) as base:
        response = _post(
            client_user,
            django_capture_on_commit_callbacks,
            image_url=f"{base}/page",
            model="tiny",
            output_format="jpeg",
        )

    assert response.status_code == 400
    assert _field_errors(response, "image_url")
    assert balance_of(user) == 3


def test_neither_file_nor_url_asks_for_a_photo(client_user, django_capture_on_commit_callbacks):
    response = _post(
        client_user, django_capture_on_commit_callbacks, model="tiny", output_format="jpeg"
    )

    assert response.status_code == 400
    assert _field_errors(response, "image") == [
        "Choose a photo to colorize, or give its URL below."
    ]


def test_file_and_url_together_are_refused(
    client_user, gray_photo_jpeg, django_capture_on_commit_callbacks
) -> None:
    response = _post(
        client_user,
        django_capture_on_commit_callbacks,
        image=_upload(gray_photo_jpeg),
        image_url="https://example.com/a.jpg",
        model="tiny",
        output_format="jpeg",
    )

    assert response.status_code == 400
    assert _field_errors(response, "image_url") == ["Choose a file or give a URL, not both."]


def test_a_short_balance_is_explained_and_nothing_is_charged(
    client, make_user, gray_photo_jpeg, django_capture_on_commit_callbacks
) -> None:
    owner = make_user(credits=2)
    client.force_login(owner)

    response = _post(
        client,
        django_capture_on_commit_callbacks,
        image=_upload(gray_photo_jpeg),
        model="tiny",
        output_format="jpeg",
        face_remaster="on",
    )

    assert response.status_code == 400
    assert "This needs 3 credits but your balance is 2 credits." in response.content.decode()
    assert balance_of(owner) == 2
    assert not ColorizationJob.objects.exists()


def test_the_form_needs_a_signed_in_user(client, gray_photo_jpeg) -> None:
    response = client.post(reverse("web:colorize"), {"image": _upload(gray_photo_jpeg)})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not ColorizationJob.objects.exists()
