"""Suggested pins and a pin's reach on the job page: the panel's parts, the two JSON
endpoints behind them (owner only, free within their allowances, errors as JSON).

`tiny` is the guided test graph: unsure on mid-grey, sure on dark grey; `large` a graph
without colour bins. The photo is mid-grey with a dark band on the right: two surfaces a
pin can tell apart (side by side, since an outline is one polygon and has no holes).
"""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from colorizer_site.credits.services import balance_of
from tests.web.catalogues import compiled_catalogues  # noqa: F401  (a fixture)
from tests.web.jobs_helpers import make_job

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("guided_models")]
WIDTH, HEIGHT = 800, 600
BLOCK = (480, 0, WIDTH, HEIGHT)  # the dark band: left, top, right, bottom


@pytest.fixture(scope="module")
def block_photo() -> bytes:
    image = Image.new("L", (WIDTH, HEIGHT), 140)
    image.paste(40, BLOCK)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def job_of(django_capture_on_commit_callbacks: Any, block_photo: bytes) -> Any:
    def make(owner: Any, **options: Any) -> Any:
        return make_job(owner, block_photo, capture=django_capture_on_commit_callbacks, **options)

    return make


def bounds(outline: list[list[int]]) -> tuple[int, int, int, int]:
    xs, ys = [x for x, _ in outline], [y for _, y in outline]
    return min(xs), min(ys), max(xs), max(ys)


def inside(x: float, y: float, outline: list[list[int]]) -> bool:
    found = False
    for (xi, yi), (xj, yj) in zip(outline, outline[-1:] + outline[:-1], strict=True):
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            found = not found
    return found


def test_the_panel_has_the_suggestions_the_overlay_and_the_reach_line(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)

    html = client_user.get(reverse("web:job_detail", args=[job.task_id])).content.decode()

    assert f'data-suggestions-url="{reverse("web:job_suggestions", args=[job.task_id])}"' in html
    assert f'data-reach-url="{reverse("web:job_reach", args=[job.task_id])}"' in html
    assert "Suggested pins" in html
    assert f'viewBox="0 0 {WIDTH} {HEIGHT}"' in html
    assert "how far a pin there would reach" in html
    assert 'data-text-swatch="Pin region {number} with {color} ({percent} likely)"' in html
    assert "js/adjust-regions.js" in html


@pytest.mark.usefixtures("compiled_catalogues")
def test_the_panels_sentences_for_the_script_come_in_the_pages_language(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)

    html = client_user.get(
        reverse("web:job_detail", args=[job.task_id]), HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()

    assert "Vorgeschlagene Pins" in html
    assert 'data-text-swatch="Bereich {number} mit {color} pinnen' in html
    assert "Suggested pins" not in html


def test_suggestions_outline_the_unsure_surface_with_its_colours_for_free(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)
    before = balance_of(user)

    response = client_user.get(reverse("web:job_suggestions", args=[job.task_id]))

    assert response.status_code == 200, response.content
    found = response.json()["suggestions"]
    assert 1 <= len(found) <= 3
    best = found[0]
    assert best["x"] < BLOCK[0], best
    assert inside(best["x"], best["y"], best["outline"])
    assert not inside(640, 300, best["outline"])
    assert best["area"] > 0.3 and 0 <= best["confidence"] <= 1
    assert len(best["alternatives"]) >= 2
    assert balance_of(user) == before


def test_the_reach_of_a_pin_stops_at_its_surfaces_edges(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)
    url = reverse("web:job_reach", args=[job.task_id])
    edge = BLOCK[0]
    margin = 40  # the model's grid is coarser than the photo

    on_band = client_user.get(url, {"x": 640, "y": 300})
    on_grey = client_user.get(url, {"x": 100, "y": 100})

    assert on_band.status_code == 200 and on_grey.status_code == 200
    assert on_band["Cache-Control"].startswith("private")
    band = on_band.json()["outline"]
    left, top, right, bottom = bounds(band)
    assert edge - margin <= left <= edge + margin, band
    assert right >= WIDTH - margin and top <= margin and bottom >= HEIGHT - margin, band
    grey = on_grey.json()["outline"]
    assert inside(100, 100, grey) and not inside(640, 300, grey)
    assert edge - margin <= bounds(grey)[2] <= edge + margin, grey


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"x": "left", "y": 5}, "x and y must be numbers"),
        ({"y": 5}, "x and y must be numbers"),
        ({"x": "inf", "y": 5}, "x and y must be numbers"),
        ({"x": 900, "y": 5}, "outside the 800x600 photo"),
    ],
)
def test_a_bad_reach_request_is_a_400_saying_why(
    client_user: Any, user: Any, job_of: Any, params: dict, message: str
) -> None:
    job = job_of(user)
    response = client_user.get(reverse("web:job_reach", args=[job.task_id]), params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_hovering_has_its_own_allowance_and_never_holds_back_a_preview(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user)
    reach = reverse("web:job_reach", args=[job.task_id])
    with override_settings(COLORIZER_PREVIEW_LIMIT=2, COLORIZER_PREVIEW_WINDOW_SECONDS=60):
        reaches = [client_user.get(reach, {"x": 10 * i, "y": 10}) for i in range(3)]
        preview = client_user.get(reverse("web:job_preview", args=[job.task_id]))
        suggestions = client_user.get(reverse("web:job_suggestions", args=[job.task_id]))

    assert [answer.status_code for answer in reaches] == [200, 200, 429]
    assert int(reaches[2]["Retry-After"]) >= 1 and "error" in reaches[2].json()
    assert preview.status_code == 200 and suggestions.status_code == 200


def test_a_model_without_colour_bins_has_no_suggestions_or_reach(
    client_user: Any, user: Any, job_of: Any
) -> None:
    job = job_of(user, model="large")

    suggestions = client_user.get(reverse("web:job_suggestions", args=[job.task_id]))
    reach = client_user.get(reverse("web:job_reach", args=[job.task_id]), {"x": 5, "y": 5})

    for response in (suggestions, reach):
        assert response.status_code == 400
        assert "gives no colour alternatives" in response.json()["error"]


def test_someone_elses_job_has_no_suggestions_or_reach(
    client: Any, make_user: Any, job_of: Any
) -> None:
    job = job_of(make_user())
    urls = [reverse(name, args=[job.task_id]) for name in ("web:job_suggestions", "web:job_reach")]

    login = [client.get(url, {"x": 1, "y": 1}) for url in urls]
    client.force_login(make_user())
    others = [client.get(url, {"x": 1, "y": 1}) for url in urls]

    assert all(r.status_code == 302 and "login" in r["Location"] for r in login)
    assert [r.status_code for r in others] == [404, 404]


def test_requests_at_once_for_a_new_photo_run_the_model_once(
    user: Any, job_of: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colorizer_site import engine
    from colorizer_site.jobs import adjustments

    job = job_of(user)
    runs = []
    real_analyze = engine.analyze

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(engine, "analyze", counted)  # counts the real engine's runs
    answers: list[Any] = []
    threads = [
        threading.Thread(target=lambda x=x: answers.append(adjustments.reach(job, x=x, y=50)))
        for x in (10, 200, 400, 640)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 4 and all(len(outline) > 2 for outline in answers)
    assert len(runs) == 1
