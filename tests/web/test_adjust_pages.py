"""Adjust colours on the job page: the panel, free previews (rate-limited), the model's
colours at a point, the confidence view, Apply (a charged, linked refinement), the gallery's
grouping, and vividness on the upload and run-again forms.

`tiny` is the guided test graph (pins, known colour bins), `large` a graph without pins.
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.engine.color import lab_of_rgb
from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions
from tests.web.jobs_helpers import make_job

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guided_models")]
BLUE = "#3a6ea5"


@pytest.fixture(scope="module")
def big_photo() -> bytes:
    """800x600 flat grey JPEG with a darker block: large enough to be previewed smaller."""
    image = Image.new("L", (800, 600), 140)
    image.paste(60, (500, 350, 760, 560))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def job_of(django_capture_on_commit_callbacks: Any, big_photo: bytes) -> Any:
    def make(owner: Any, **options: Any) -> ColorizationJob:
        return make_job(owner, big_photo, capture=django_capture_on_commit_callbacks, **options)

    return make


def lab_of(data: bytes) -> np.ndarray:
    return lab_of_rgb(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))


def delta_ab(found: np.ndarray, colour: str) -> float:
    rgb = np.array([[[int(colour[i : i + 2], 16) for i in (1, 3, 5)]]], dtype=np.uint8)
    return float(np.hypot(*(found[1:] - lab_of_rgb(rgb)[0, 0, 1:])))


def pins(*points: tuple[int, int, str]) -> str:
    return json.dumps([{"x": x, "y": y, "color": colour} for x, y, colour in points])


def test_a_finished_job_offers_adjust_colours(client_user: Any, user: Any, job_of: Any) -> None:
    job = job_of(user)

    html = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()

    assert "Adjust colours" in html
    assert f'data-preview-url="{reverse("web:job_preview", args=[job.task_id])}"' in html
    assert 'data-max-hints="32"' in html and 'data-width="800"' in html
    assert 'type="range" id="adjust-vividness" name="vividness" min="0"' in html
    assert "Apply (1 credit)" in html
    assert "Shade where the model is unsure" in html


def test_no_adjusting_without_a_model_that_takes_pins_or_without_a_result(
    client_user: Any, user: Any, job_of: Any
) -> None:
    plain = job_of(user, model="large")
    failed = job_of(user, run=False)
    ColorizationJob.objects.filter(id=failed.id).update(state=ColorizationJob.State.FAILED)

    for job in (plain, failed):
        html = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
        assert "Adjust colours" not in html


def test_a_preview_is_a_free_reduced_jpeg_with_the_pins_in_place(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)
    url = reverse("web:job_preview", args=[job.task_id])

    plain = client_user.get(url)
    pinned = client_user.get(url, {"hints": pins((200, 100, BLUE)), "vividness": "60"})
    small = client_user.get(url, {"size": "256"})

    assert plain.status_code == pinned.status_code == small.status_code == 200
    assert pinned["Content-Type"] == "image/jpeg"
    assert "no-store" in pinned["Cache-Control"]
    assert Image.open(io.BytesIO(plain.content)).size == (512, 384)
    assert Image.open(io.BytesIO(small.content)).size == (256, 192)
    # (200, 100) of the photo is (128, 64) of the 512-wide preview.
    assert delta_ab(lab_of(pinned.content)[64, 128], BLUE) < 6.0
    assert delta_ab(lab_of(plain.content)[64, 128], BLUE) > 25.0
    assert balance_of(user) == 2  # only the job itself was charged


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"hints": "[{"}, "hints is not valid JSON"),
        ({"hints": pins((800, 10, BLUE))}, "outside the 800x600 photo"),
        ({"vividness": "101"}, "vividness"),
        ({"size": "300"}, "size"),
    ],
)
def test_a_bad_preview_request_is_a_400_saying_why(
    client_user: Any, user: Any, job_of: Any, query: dict, message: str
) -> None:
    job = job_of(user)
    response = client_user.get(reverse("web:job_preview", args=[job.task_id]), query)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_previews_are_rate_limited_per_user(client: Any, make_user: Any, job_of: Any) -> None:
    first, second = make_user(), make_user()
    first_job, second_job = job_of(first), job_of(second)
    with override_settings(COLORIZER_PREVIEW_LIMIT=2, COLORIZER_PREVIEW_WINDOW_SECONDS=60):
        client.force_login(first)
        url = reverse("web:job_preview", args=[first_job.task_id])
        answers = [client.get(url, {"size": "256"}) for _ in range(3)]
        palette = client.get(reverse("web:job_palette", args=[first_job.task_id]), {"x": 5, "y": 5})
        client.force_login(second)
        other = client.get(reverse("web:job_preview", args=[second_job.task_id]))

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert "Too many previews" in answers[2].json()["error"]
    assert palette.status_code == 429  # palettes share the allowance
    assert other.status_code == 200  # another user has their own


def test_the_palette_gives_the_models_colours_at_a_point(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)
    url = reverse("web:job_palette", args=[job.task_id])

    response = client_user.get(url, {"x": 100, "y": 100})
    outside = client_user.get(url, {"x": 900, "y": 100})
    garbage = client_user.get(url, {"x": "left", "y": 100})

    colours = response.json()["colors"]
    assert response.status_code == 200 and len(colours) == 3
    assert [c["probability"] for c in colours] == sorted(
        (c["probability"] for c in colours), reverse=True
    )
    rgb = np.array([[[int(colours[0]["color"][i : i + 2], 16) for i in (1, 3, 5)]]], np.uint8)
    assert lab_of_rgb(rgb)[0, 0, 1] > 25.0  # the graph's likeliest bin: a* = +40
    assert outside.status_code == 400 and "outside" in outside.json()["error"]
    assert garbage.status_code == 400


def test_the_confidence_view_shades_where_the_model_hesitates(
    client_user: Any, user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Left half mid-grey (the graph has no idea), right half white (it is sure of a* = +40).
    image = Image.new("L", (400, 200), 119)
    image.paste(255, (200, 0, 400, 200))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    job = make_job(user, buffer.getvalue(), capture=django_capture_on_commit_callbacks)

    response = client_user.get(reverse("web:job_confidence", args=[job.task_id]))

    overlay = Image.open(io.BytesIO(response.content))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert overlay.mode == "RGBA" and overlay.size == (400, 200)
    alpha = np.asarray(overlay)[..., 3].astype(float)
    assert alpha[:, :150].mean() > alpha[:, 250:].mean() + 20


def test_apply_makes_a_charged_refinement_linked_to_the_job_it_refines(
    client_user: Any, user: Any, job_of: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = job_of(user, output_format="png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_user.post(
            reverse("web:job_refine", args=[job.task_id]),
            {"hints": pins((200, 100, BLUE), (650, 200, "#c8a040")), "vividness": "70"},
        )

    refinement = ColorizationJob.objects.get(refines=job)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:job_detail", args=[refinement.task_id])
    assert refinement.original == job
    assert refinement.state == ColorizationJob.State.SUCCEEDED
    assert refinement.options["vividness"] == 70 and len(refinement.options["hints"]) == 2
    assert refinement.options["output_format"] == "png"
    assert refinement.cost == 1 and balance_of(user) == 1
    with refinement.result_file.open("rb") as handle:
        lab = lab_of(handle.read())
    assert lab.shape[:2] == (600, 800)
    assert delta_ab(lab[100, 200], BLUE) < 3.0 and delta_ab(lab[200, 650], "#c8a040") < 3.0

    page = client_user.get(reverse("web:job_detail", args=[refinement.task_id]))
    html = page.content.decode()
    assert reverse("web:job_detail", args=[job.task_id]) in html  # "Refines" links back
    assert 'data-testid="job-pins">2<' in html
    assert "&quot;#3a6ea5&quot;" in html  # the panel starts from this version's pins

    # Refining the refinement: linked to it, grouped under the first original.
    with django_capture_on_commit_callbacks(execute=True):
        client_user.post(reverse("web:job_refine", args=[refinement.task_id]), {"hints": "[]"})
    second = ColorizationJob.objects.get(refines=refinement)
    assert second.original == job and second.options.get("hints") is None


def test_apply_without_enough_credits_or_with_a_bad_pin_says_so_and_charges_nothing(
    client: Any, make_user: Any, job_of: Any
) -> None:
    owner = make_user(credits=1)
    client.force_login(owner)
    job = job_of(owner)
    url = reverse("web:job_refine", args=[job.task_id])

    short = client.post(url, {"hints": pins((10, 10, BLUE))}, follow=True)
    bad = client.post(url, {"hints": pins((10, 10, "blue"))}, follow=True)

    assert "This needs 1 credit but your balance is 0 credits." in short.content.decode()
    assert "color must be" in bad.content.decode()
    assert ColorizationJob.objects.filter(owner=owner).count() == 1


def test_someone_elses_job_cannot_be_previewed_or_refined(
    client: Any, make_user: Any, job_of: Any
) -> None:
    job = job_of(make_user())
    client.force_login(make_user())
    for name in ("web:job_preview", "web:job_palette", "web:job_confidence"):
        assert client.get(reverse(name, args=[job.task_id]), {"x": 1, "y": 1}).status_code == 404
    assert client.post(reverse("web:job_refine", args=[job.task_id])).status_code == 404


def test_previews_need_a_signed_in_user(client: Any, make_user: Any, job_of: Any) -> None:
    job = job_of(make_user())
    response = client.get(reverse("web:job_preview", args=[job.task_id]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_gallery_groups_refinements_under_their_original(
    client: Any, make_user: Any, job_of: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from colorizer_site.jobs import adjustments

    user = make_user(credits=5)
    client.force_login(user)
    original = job_of(user)
    other = job_of(user)
    with django_capture_on_commit_callbacks(execute=True):
        first = adjustments.refine_job(original, hints=(), vividness=10)
    with django_capture_on_commit_callbacks(execute=True):
        second = adjustments.refine_job(first, hints=(), vividness=90)

    html = client.get(reverse("web:gallery")).content.decode()
    flat = client.get(reverse("web:gallery"), {"status": "succeeded"}).content.decode()

    assert html.count('data-testid="gallery-item"') == 2  # the two originals
    assert html.count('data-testid="gallery-version"') == 2
    assert html.index(other.task_id) < html.index(original.task_id)  # newest original first
    group = html.split(f'data-task-id="{original.task_id}"', 1)[1].split("</li>\n    <li", 1)[0]
    assert group.index(first.task_id) < group.index(second.task_id)
    assert "2 refinements" in group
    assert flat.count('data-testid="gallery-item"') == 4

    # With its original deleted, a refinement stands on its own.
    client.post(reverse("web:job_delete", args=[original.task_id]))
    html = client.get(reverse("web:gallery")).content.decode()
    assert html.count('data-testid="gallery-item"') == 3
    assert 'data-testid="gallery-version"' not in html


def test_vividness_on_the_upload_form_and_run_again(
    client_user: Any,
    user: Any,
    big_photo: bytes,
    job_of: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    upload = SimpleUploadedFile("grandma.jpg", big_photo, content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        client_user.post(
            reverse("web:colorize"),
            {"image": upload, "model": "tiny", "output_format": "jpeg", "vividness": "70"},
        )
    refused = client_user.post(
        reverse("web:colorize"),
        {
            "image": SimpleUploadedFile("g.jpg", big_photo, content_type="image/jpeg"),
            "model": "tiny",
            "output_format": "jpeg",
            "vividness": "150",
        },
    )
    uploaded = ColorizationJob.objects.get(owner=user)
    with django_capture_on_commit_callbacks(execute=True):
        client_user.post(
            reverse("web:job_rerun", args=[uploaded.task_id]),
            {"model": "tiny", "output_format": "jpeg", "vividness": "15"},
        )

    assert uploaded.options["vividness"] == 70
    assert refused.status_code == 400
    assert refused.context["form"].errors["vividness"]
    again = ColorizationJob.objects.exclude(id=uploaded.id).get(owner=user)
    assert again.options["vividness"] == 15 and again.refines is None
    page = client_user.get(reverse("web:home")).content.decode()
    assert 'name="vividness"' in page and 'min="0"' in page and 'max="100"' in page


def test_the_last_progress_poll_brings_the_adjust_panel_in(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)

    response = client_user.get(
        reverse("web:job_detail", args=[job.task_id]), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 286
    assert '<div id="adjust-slot" hx-swap-oob="true">' in html
    assert "Adjust colours" in html and "data-adjust" in html


@pytest.mark.usefixtures("guided_models")
def test_the_panel_and_the_details_name_the_vividness_alike(
    client_user: Client, user: Any, gray_photo_jpeg: bytes, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = services.submit_job(
            owner=user, image=gray_photo_jpeg, filename="a.jpg",
            options=JobOptions(model="tiny"),
        )  # fmt: skip
    page = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()
    assert "data-vividness-out>the model's best (" in page
    details = page.split('data-testid="job-vividness">', 1)[1].split("<", 1)[0]
    assert details.startswith("the model's best (")
    panel = page.split("data-vividness-out>", 1)[1].split("<", 1)[0]
    assert panel == details
