"""The guided-colour extensions of both dialects: `hints` and `vividness` on create (every
refusal is a 400 naming the field, with nothing charged), and the task dialect's palette.

The API tests' tiny and large are the engine tests' guided graph: a pin's spot takes
exactly its colour, and the model's alternatives are three known colour bins.
"""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.engine.color import lab_of_rgb
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import CREATE, create_task

pytestmark = pytest.mark.django_db(transaction=True)
COLORIZE = "/api/v1/colorize"
BLUE = "#3a6ea5"
GREEN = "#4f7a3a"


@pytest.fixture(scope="module")
def flat_photo() -> bytes:
    """200x150 flat mid-grey PNG: every pin lies on even ground."""
    buffer = io.BytesIO()
    Image.new("L", (200, 150), 140).save(buffer, "PNG")
    return buffer.getvalue()


def lab_at(data: bytes, x: int, y: int) -> np.ndarray:
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    return lab_of_rgb(rgb)[y, x]


def lab_of_hex(colour: str) -> np.ndarray:
    rgb = np.array([[[int(colour[i : i + 2], 16) for i in (1, 3, 5)]]], dtype=np.uint8)
    return lab_of_rgb(rgb)[0, 0]


def delta_ab(found: np.ndarray, colour: str) -> float:
    return float(np.hypot(*(found[1:] - lab_of_hex(colour)[1:])))


def colorize_v1(api: httpx.Client, photo: bytes, **fields: str) -> httpx.Response:
    return api.post(COLORIZE, data=fields, files={"image": ("photo.png", photo, "image/png")})


def result_bytes(api: httpx.Client, response: httpx.Response) -> bytes:
    body = response.json()
    url = body["outputUrl"] if "outputUrl" in body else body["data"]["image"]
    return httpx.get(url).content


PINS = json.dumps([{"x": 40, "y": 30, "color": BLUE}, {"x": 160, "y": 120, "color": GREEN}])


def test_task_dialect_pins_take_their_colours_and_the_lightness_stays(
    api: httpx.Client, user: Any, flat_photo: bytes
) -> None:
    response = create_task(api, flat_photo, sync=1, format="png", hints=PINS, vividness=80)

    assert response.status_code == 200, response.text
    assert response.json()["data"]["state"] == 1
    data = result_bytes(api, response)
    grey = lab_of_rgb(np.full((1, 1, 3), 140, dtype=np.uint8))[0, 0, 0]
    for x, y, colour in ((40, 30, BLUE), (160, 120, GREEN)):
        found = lab_at(data, x, y)
        assert delta_ab(found, colour) < 3.0, (x, y, found)
        assert abs(found[0] - grey) < 1.0
    job = ColorizationJob.objects.get(task_id=response.json()["data"]["task_id"])
    assert job.options["vividness"] == 80
    assert job.options["hints"] == [
        {"x": 40.0, "y": 30.0, "color": BLUE},
        {"x": 160.0, "y": 120.0, "color": GREEN},
    ]
    assert job.cost == 1 and balance_of(user) == 2  # pins and vividness are free


def test_colorize_dialect_takes_pins_and_vividness_too(
    api: httpx.Client, user: Any, flat_photo: bytes
) -> None:
    response = colorize_v1(api, flat_photo, model="tiny", format="png", hints=PINS, vividness="0")

    assert response.status_code == 200, response.text
    data = result_bytes(api, response)
    assert delta_ab(lab_at(data, 40, 30), BLUE) < 3.0
    assert delta_ab(lab_at(data, 160, 120), GREEN) < 3.0
    job = ColorizationJob.objects.get(owner=user)
    assert job.options["vividness"] == 0 and len(job.options["hints"]) == 2


def test_vividness_changes_the_colours_of_the_same_photo(
    api: httpx.Client, flat_photo: bytes
) -> None:
    bright = io.BytesIO()
    Image.new("L", (64, 48), 150).save(bright, "PNG")
    muted = colorize_v1(api, bright.getvalue(), format="png", vividness="0")
    vivid = colorize_v1(api, bright.getvalue(), format="png", vividness="100")

    # The graph leans to a* = +40 on bright pixels: vivid goes all the way, muted averages.
    assert (
        lab_at(result_bytes(api, vivid), 30, 20)[1]
        > lab_at(result_bytes(api, muted), 30, 20)[1] + 10.0
    )


def test_empty_hints_and_vividness_mean_the_defaults(
    api: httpx.Client, user: Any, flat_photo: bytes
) -> None:
    response = create_task(api, flat_photo, sync=1, hints="", vividness="")

    assert response.status_code == 200, response.text
    job = ColorizationJob.objects.get(owner=user)
    assert "hints" not in job.options and "vividness" not in job.options


REFUSALS = [
    ("hints", "[{", "hints is not valid JSON"),
    ("hints", '{"x": 1, "y": 2, "color": "#ffffff"}', "hints must be a JSON array"),
    ("hints", '[{"x": 1, "y": 2}]', 'exactly "x", "y" and "color"'),
    ("hints", '[{"x": "left", "y": 2, "color": "#ffffff"}]', "x and y must be numbers"),
    ("hints", '[{"x": 1, "y": 2, "color": "blue"}]', 'color must be "#rrggbb"'),
    ("hints", '[{"x": 1, "y": 2, "color": "#fff"}]', 'color must be "#rrggbb"'),
    ("hints", json.dumps([{"x": 1, "y": 1, "color": "#ffffff"}] * 33), "at most 32 hints"),
    ("hints", '[{"x": 200, "y": 10, "color": "#ffffff"}]', "outside the 200x150 photo"),
    ("hints", '[{"x": 10, "y": -1, "color": "#ffffff"}]', "outside the 200x150 photo"),
    ("vividness", "101", "from 0 to 100"),
    ("vividness", "-1", "from 0 to 100"),
    ("vividness", "very", "from 0 to 100"),
    ("vividness", "50.5", "from 0 to 100"),
]


@pytest.mark.parametrize(("field", "value", "message"), REFUSALS)
def test_task_dialect_refuses_bad_pins_and_vividness_naming_the_field_free_of_charge(
    api: httpx.Client, user: Any, flat_photo: bytes, field: str, value: str, message: str
) -> None:
    response = create_task(api, flat_photo, sync=1, **{field: value})

    body = response.json()
    assert response.status_code == 400 and body["status"] == 400
    assert body["message"].startswith(field) and message in body["message"]
    assert body["data"]["field"] == field
    assert balance_of(user) == 3
    assert not ColorizationJob.objects.filter(owner=user).exists()


@pytest.mark.parametrize(("field", "value", "message"), REFUSALS)
def test_colorize_dialect_refuses_bad_pins_and_vividness_naming_the_field_free_of_charge(
    api: httpx.Client, user: Any, flat_photo: bytes, field: str, value: str, message: str
) -> None:
    response = colorize_v1(api, flat_photo, **{field: value})

    assert response.status_code == 400
    assert response.json()["error"].startswith(field)
    assert message in response.json()["error"]
    assert response.json()["field"] == field
    assert response.headers["X-Credits-Remaining"] == "3"
    assert not ColorizationJob.objects.filter(owner=user).exists()


def test_a_model_that_takes_no_pins_refuses_them_free_of_charge(
    api: httpx.Client, user: Any, flat_photo: bytes
) -> None:
    from django.test.utils import override_settings

    with override_settings(
        COLORIZER_MODEL_CHOICES={"tiny": "api-test-tiny", "large": "api-test-plain"}
    ):
        response = create_task(api, flat_photo, model="large", hints=PINS)

    assert response.status_code == 400
    assert "does not take colour hints" in response.json()["message"]
    assert response.json()["data"]["field"] == "hints"
    assert balance_of(user) == 3


# --- the palette -------------------------------------------------------------------


def palette_url(task_id: str) -> str:
    return f"{CREATE}/{task_id}/palette"


@pytest.fixture
def task_id(api: httpx.Client, flat_photo: bytes) -> str:
    response = create_task(api, flat_photo, sync=1)
    assert response.status_code == 200, response.text
    return response.json()["data"]["task_id"]


def test_the_palette_lists_the_models_colours_at_a_point_best_first_for_free(
    api: httpx.Client, user: Any, task_id: str
) -> None:
    response = api.get(palette_url(task_id), params={"x": 50, "y": 40.5})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == 200 and body["message"] == "success"
    data = body["data"]
    assert (data["task_id"], data["x"], data["y"]) == (task_id, 50, 40.5)
    colours = data["colors"]
    # The graph's three bins: a* = +40 likeliest on this mid-grey, then grey and b* = +40.
    assert len(colours) == 3
    probabilities = [colour["probability"] for colour in colours]
    assert probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-3)
    assert lab_of_hex(colours[0]["color"])[1] > 25.0
    assert all(len(colour["color"]) == 7 and colour["color"][0] == "#" for colour in colours)
    assert response.headers["X-Credits-Remaining"] == "2"  # only the task was charged


def test_the_palette_count_limits_the_colours(api: httpx.Client, task_id: str) -> None:
    response = api.get(palette_url(task_id), params={"x": 5, "y": 5, "count": 1})
    assert response.status_code == 200
    assert len(response.json()["data"]["colors"]) == 1


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"y": 5}, "x", "x must be a number"),
        ({"x": 5}, "y", "y must be a number"),
        ({"x": "left", "y": 5}, "x", "x must be a number"),
        ({"x": "nan", "y": 5}, "x", "x must be a number"),
        ({"x": 200, "y": 5}, "point", "outside the 200x150 photo"),
        ({"x": 5, "y": -0.5}, "point", "outside the 200x150 photo"),
        ({"x": 5, "y": 5, "count": 0}, "count", "from 1 to 8"),
        ({"x": 5, "y": 5, "count": "9"}, "count", "from 1 to 8"),
    ],
)
def test_the_palette_refuses_a_bad_point_naming_it(
    api: httpx.Client, task_id: str, params: dict, field: str, message: str
) -> None:
    response = api.get(palette_url(task_id), params=params)

    assert response.status_code == 400
    assert message in response.json()["message"]
    assert response.json()["data"]["field"] == field


def test_the_palette_of_someone_elses_or_an_unknown_task_is_404(
    api: httpx.Client, make_user: Any, client_for: Any, flat_photo: bytes, task_id: str
) -> None:
    from colorizer_site.keys.services import create_key

    stranger = client_for(create_key(user=make_user(), name="other")[1])

    assert stranger.get(palette_url(task_id), params={"x": 5, "y": 5}).status_code == 404
    assert api.get(palette_url("0" * 32), params={"x": 5, "y": 5}).status_code == 404
    assert api.get(palette_url("not-a-task"), params={"x": 5, "y": 5}).status_code == 404


def test_the_palette_needs_the_stored_photo(api: httpx.Client, user: Any, task_id: str) -> None:
    from colorizer_site.jobs import files

    files.remove_files(ColorizationJob.objects.get(task_id=task_id))

    response = api.get(palette_url(task_id), params={"x": 5, "y": 5})

    assert response.status_code == 404
    assert "no longer stored" in response.json()["message"]


def test_a_model_without_colour_bins_has_no_palette(api: httpx.Client, flat_photo: bytes) -> None:
    from django.test.utils import override_settings

    with override_settings(
        COLORIZER_MODEL_CHOICES={"tiny": "api-test-tiny", "large": "api-test-plain"}
    ):
        created = create_task(api, flat_photo, sync=1, model="large")
        response = api.get(palette_url(created.json()["data"]["task_id"]), params={"x": 5, "y": 5})

    assert response.status_code == 400
    assert response.json()["data"]["field"] == "model"
    assert "gives no colour alternatives" in response.json()["message"]


def test_the_palette_needs_a_key(live_server: Any, task_id: str) -> None:
    response = httpx.get(live_server.url + palette_url(task_id), params={"x": 5, "y": 5})
    assert response.status_code == 401


def test_the_openapi_document_describes_the_extensions(live_server: Any) -> None:
    document = httpx.get(live_server.url + "/api/openapi.json").json()

    for path in ("/api/tasks/visual/colorization", "/api/v1/colorize"):
        form = document["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]
        fields = form["schema"]["properties"]
        assert fields["vividness"]["minimum"] == 0 and fields["vividness"]["maximum"] == 100
        assert fields["hints"]["contentMediaType"] == "application/json"
        assert fields["hints"]["contentSchema"]["maxItems"] == 32
    palette = document["paths"]["/api/tasks/visual/colorization/{task_id}/palette"]["get"]
    required = {param["name"] for param in palette["parameters"] if param["required"]}
    assert required == {"task_id", "x", "y"}
    assert set(palette["responses"]) == {"200", "400", "401", "404", "429", "503"}
