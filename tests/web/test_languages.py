"""The site in English, German, French and Spanish: the browser's Accept-Language, the
switcher on every page, a signed-in user's saved choice; localised dates and numbers;
refusals and stored sentences read in the page's language while the API stays English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from colorizer_site.accounts.models import Preferences
from colorizer_site.engine.restore_pipeline import KIND_NOTES, MONOCHROME_VIVIDNESS_NOTE
from colorizer_site.engine.stages import SCRATCH_NONE_NOTE, SCRATCH_SHARE_NOTE
from colorizer_site.jobs import endings, stored_sentences
from colorizer_site.jobs.models import ColorizationJob
from tests.web.catalogues import compiled_catalogues  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("compiled_catalogues")]


def test_english_is_the_default_without_a_wish(client):
    assert settings.LANGUAGE_CODE == "en"
    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in html
    assert "Bring black-and-white photos to colour" in html


@pytest.mark.parametrize(
    ("wish", "lang", "heading"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de", "Bringen Sie Farbe in Schwarzweißfotos"),
        ("fr-CH, fr;q=0.9", "fr", "Donnez des couleurs à vos photos noir et blanc"),
        ("es", "es", "Da color a tus fotos en blanco y negro"),
    ],
)
def test_accept_language_picks_the_pages_language(client, wish, lang, heading):
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE=wish)
    html = response.content.decode()
    assert response["Content-Language"] == lang
    assert f'<html lang="{lang}">' in html
    assert heading in html
    assert "Bring black-and-white photos to colour" not in html


def test_an_unoffered_language_falls_back_to_english(client):
    html = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="en">' in html


def test_every_page_carries_the_switcher_and_it_changes_the_language(client):
    home = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f'action="{reverse("web:set_language")}"' in home
    for name in ("English", "Deutsch", "Français", "Español"):
        assert f">{name}</option>" in home
    assert '<option value="de" lang="de" selected>' in home

    response = client.post(reverse("web:set_language"), {"language": "fr", "next": reverse("docs")})
    assert response.status_code == 302 and response["Location"] == reverse("docs")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    # The cookie now outranks the browser's wish.
    docs = client.get(reverse("docs"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Documentation de l\u2019API" in docs


def test_the_switcher_refuses_a_language_not_offered(client):
    client.post(reverse("web:set_language"), {"language": "xx", "next": "/"})
    html = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in html


def test_a_signed_in_choice_is_saved_and_follows_the_user_to_a_new_session(user):
    first = Client()
    first.force_login(user)
    first.post(reverse("web:set_language"), {"language": "es", "next": "/"})
    assert Preferences.objects.get(user=user).language == "es"

    # Another browser, whose own wish is German: signing in brings the saved Spanish.
    second = Client(HTTP_ACCEPT_LANGUAGE="de")
    second.force_login(user)
    html = second.get(reverse("web:home")).content.decode()
    assert '<html lang="es">' in html
    assert "Colorear una foto" in html

    # Signed out again, the browser's own wish counts.
    second.logout()
    assert '<html lang="de">' in second.get(reverse("web:home")).content.decode()


def test_dates_and_numbers_follow_the_language(client, make_user):
    owner = make_user(email="zahlen@example.com", credits=1234)
    client.force_login(owner)
    english = client.get(reverse("accounts:profile")).content.decode()
    german = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<strong>1,234</strong> credits" in english
    assert "<strong>1.234</strong> Credits" in german
    with translation.override("de"):
        joined = formats.date_format(owner.date_joined, "DATE_FORMAT")
    assert joined in german and "." in joined  # "6. Dezember 2026"
    with translation.override("en"):
        assert formats.date_format(owner.date_joined, "DATE_FORMAT") in english


def test_the_scripts_catalogue_speaks_the_pages_language(client):
    german = client.get(reverse("web:javascript_catalog"), HTTP_ACCEPT_LANGUAGE="de")
    assert german.status_code == 200
    assert "Kopiert" in german.content.decode()
    assert "Kopiert" not in client.get(reverse("web:javascript_catalog")).content.decode()


def test_an_engine_refusal_reads_in_the_pages_language(client_user):
    upload = SimpleUploadedFile("old.png", b"this is not a picture at all", "image/png")
    response = client_user.post(
        reverse("web:colorize"),
        {"image": upload, "model": "tiny", "output_format": "jpeg"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Das ist kein Bild in einem unterstützten Format" in html


def test_the_api_answers_in_english_whatever_the_client_asks(client):
    response = client.get("/api/v1/tasks", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "Missing API key" in response.content.decode()
    assert response["Content-Language"] == "en"


def test_a_failure_stored_in_english_reads_translated_on_the_page(client_user, user, submit):
    job = submit(user, run=False)
    endings.fail_job(
        job,
        state=ColorizationJob.State.TIMED_OUT,
        code="timed_out",
        message=endings.TIMED_OUT_MESSAGE[1] % {"minutes": 10},
    )
    job.refresh_from_db()
    # Stored once, in English, as the API returns it.
    assert job.error_message == "The colorization did not finish within 10 minutes and was stopped."
    page = client_user.get(reverse("web:job_detail", args=[job.task_id]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "La colorisation ne s\u2019est pas terminée en 10 minutes et a été arrêtée." in (
        page.content.decode()
    )


def test_the_docs_prose_is_translated_and_the_openapi_document_is_not(client):
    docs = client.get(reverse("docs"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "API-Dokumentation" in docs
    assert "Einen Kolorierungsauftrag erstellen" in docs  # from the operation tables
    assert "Create a colorization task" not in docs
    document = client.get(reverse("api:openapi"), HTTP_ACCEPT_LANGUAGE="de").json()
    summaries = [
        operation["summary"] for path in document["paths"].values() for operation in path.values()
    ]
    assert "Create a colorization task" in summaries


def test_a_refused_image_url_reads_in_the_pages_language(client_user):
    response = client_user.post(
        reverse("web:colorize"),
        {"image_url": "http://10.0.0.1/photo.jpg", "model": "tiny", "output_format": "jpeg"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "La URL de la imagen apunta a una dirección privada (10.0.0.1)" in html


@pytest.mark.parametrize("language", ["de", "fr", "es"])
def test_every_restore_and_scratch_note_reads_back_in_the_language(language):
    stored = [
        *KIND_NOTES.values(),
        MONOCHROME_VIVIDNESS_NOTE,
        SCRATCH_NONE_NOTE,
        SCRATCH_SHARE_NOTE % {"share": "0.42"},
    ]
    with translation.override(language):
        shown = [stored_sentences.read(sentence) for sentence in stored]
    assert all(reading != sentence for reading, sentence in zip(shown, stored, strict=True))
    assert "0.42" in shown[-1] or "0,42" in shown[-1]
