"""`GET /api/v1/tasks/{task_id}/suggestions`: where one pin would help a task's photo most.

The API tests' models are the engine tests' guided graph: mid-grey leaves it torn between
grey and a* = +40, while dark grey is surely grey. The photo is mid-grey with a dark block,
so the unsure region worth a pin is the mid-grey around the block.
"""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from PIL import Image

from colorizer_site.credits.services import balance_of
from colorizer_site.jobs.models import ColorizationJob
from tests.api.conftest import create_task

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH, HEIGHT = 200, 150
BLOCK = (120, 80, 190, 140)  # the dark block: left, top, right, bottom


def suggestions_url(task_id: str) -> str:
    return f"/api/v1/tasks/{task_id}/suggestions"


@pytest.fixture(scope="module")
def block_photo() -> bytes:
    image = Image.new("L", (WIDTH, HEIGHT), 140)
    image.paste(30, BLOCK)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def task_id(api: httpx.Client, block_photo: bytes) -> str:
    response = create_task(api, block_photo, sync=1)
    assert response.status_code == 200, response.text
    return response.json()["data"]["task_id"]


def inside(x: float, y: float, outline: list[list[int]]) -> bool:
    found = False
    for (xi, yi), (xj, yj) in zip(outline, outline[-1:] + outline[:-1], strict=True):
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            found = not found
    return found


def in_block(x: float, y: float) -> bool:
    left, top, right, bottom = BLOCK
    return left <= x < right and top <= y < bottom


def test_suggestions_name_the_unsure_regions_with_outlines_and_colours_for_free(
    api: httpx.Client, user: Any, task_id: str
) -> None:
    response = api.get(suggestions_url(task_id))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["taskId"] == task_id
    found = body["suggestions"]
    assert 1 <= len(found) <= 3
    for suggestion in found:
        assert set(suggestion) == {"x", "y", "outline", "area", "confidence", "alternatives"}
        assert 0 <= suggestion["x"] < WIDTH and 0 <= suggestion["y"] < HEIGHT
        assert 3 <= len(suggestion["outline"]) <= 64
        for x, y in suggestion["outline"]:
            assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT
        assert 0 < suggestion["area"] <= 1
        assert 0 <= suggestion["confidence"] <= 1
        probabilities = [colour["probability"] for colour in suggestion["alternatives"]]
        assert probabilities and probabilities == sorted(probabilities, reverse=True)
        for colour in suggestion["alternatives"]:
            assert len(colour["color"]) == 7 and colour["color"].startswith("#")
    best = found[0]
    # The mid-grey the model hesitates over, not the block it is sure of.
    assert not in_block(best["x"], best["y"]), best
    assert best["area"] > 0.3
    assert response.headers["X-Credits-Remaining"] == "2"  # only the task was charged
    assert balance_of(user) == 2


def test_a_task_with_pins_is_not_told_to_pin_those_surfaces_again(
    api: httpx.Client, block_photo: bytes, task_id: str
) -> None:
    plain = api.get(suggestions_url(task_id)).json()["suggestions"]
    pins = json.dumps([{"x": 20, "y": 20, "color": "#3a6ea5"}])
    pinned = create_task(api, block_photo, sync=1, hints=pins)
    assert pinned.status_code == 200, pinned.text

    response = api.get(suggestions_url(pinned.json()["data"]["task_id"]))

    assert response.status_code == 200, response.text
    assert any(inside(20, 20, suggestion["outline"]) for suggestion in plain)
    assert not any(inside(20, 20, s["outline"]) for s in response.json()["suggestions"])


def test_the_count_limits_the_suggestions(api: httpx.Client, task_id: str) -> None:
    response = api.get(suggestions_url(task_id), params={"count": 1})
    assert response.status_code == 200, response.text
    assert len(response.json()["suggestions"]) == 1


@pytest.mark.parametrize("count", ["0", "6", "two", "-1", "1.5"])
def test_a_bad_count_is_a_400_naming_it(api: httpx.Client, task_id: str, count: str) -> None:
    response = api.get(suggestions_url(task_id), params={"count": count})

    assert response.status_code == 400
    assert response.json() == {
        "error": "count must be a whole number from 1 to 5.",
        "field": "count",
    }


def test_someone_elses_or_an_unknown_task_is_404_as_json(
    api: httpx.Client, make_user: Any, client_for: Any, task_id: str
) -> None:
    from colorizer_site.keys.services import create_key

    stranger = client_for(create_key(user=make_user(), name="other")[1])

    for client, task in ((stranger, task_id), (api, "0" * 32), (api, "not-a-task")):
        response = client.get(suggestions_url(task))
        assert response.status_code == 404, (task, response.text)
        assert response.json() == {"error": "No task with this task_id belongs to your account."}


def test_suggestions_need_the_stored_photo(api: httpx.Client, task_id: str) -> None:
    from colorizer_site.jobs import files

    files.remove_files(ColorizationJob.objects.get(task_id=task_id))

    response = api.get(suggestions_url(task_id))

    assert response.status_code == 404
    assert "no longer stored" in response.json()["error"]


def test_a_model_without_colour_bins_has_no_suggestions(
    api: httpx.Client, block_photo: bytes
) -> None:
    from django.test.utils import override_settings

    with override_settings(
        COLORIZER_MODEL_CHOICES={"tiny": "api-test-tiny", "large": "api-test-plain"}
    ):
        created = create_task(api, block_photo, sync=1, model="large")
        response = api.get(suggestions_url(created.json()["data"]["task_id"]))

    assert response.status_code == 400
    assert response.json()["field"] == "model"
    assert "gives no colour alternatives" in response.json()["error"]


def test_suggestions_need_a_key_and_a_get(
    live_server: Any, api: httpx.Client, task_id: str
) -> None:
    response = httpx.get(live_server.url + suggestions_url(task_id))
    assert response.status_code == 401
    assert "error" in response.json()
    assert api.post(suggestions_url(task_id)).status_code == 405


def test_the_openapi_document_and_the_docs_page_describe_suggestions(
    live_server: Any, client: Any
) -> None:
    document = httpx.get(live_server.url + "/api/openapi.json").json()

    operation = document["paths"]["/api/v1/tasks/{task_id}/suggestions"]["get"]
    params = {param["name"]: param for param in operation["parameters"]}
    assert params["task_id"]["required"] and not params["count"]["required"]
    assert params["count"]["schema"]["maximum"] == 5
    assert set(operation["responses"]) == {"200", "400", "401", "404", "429", "503"}
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Suggestions"}
    item = document["components"]["schemas"]["Suggestions"]["properties"]["suggestions"]["items"]
    assert set(item["required"]) == {"x", "y", "outline", "area", "confidence", "alternatives"}

    page = client.get("/docs/").content.decode()
    assert "/api/v1/tasks/TASK_ID/suggestions" in page
    assert "Where one colour pin would help most" in page


def test_real_answers_match_the_openapi_document(
    client: Any, api_key: tuple[Any, str], block_photo: bytes, make_user: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openapi_core import OpenAPI
    from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

    spec = OpenAPI.from_dict(client.get("/api/openapi.json").json())
    key = {"HTTP_X_API_KEY": api_key[1]}
    photo = SimpleUploadedFile("old.png", block_photo, content_type="image/png")
    task = client.post("/api/tasks/visual/colorization", {"image_file": photo, "sync": "1"}, **key)
    url = suggestions_url(task.json()["data"]["task_id"])

    answers = [
        client.get(url, **key),
        client.get(url + "?count=1", **key),
        client.get(url + "?count=9", **key),
        client.get(suggestions_url("0" * 32), **key),
        client.get(url),
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 400, 404, 401]
    assert answers[0].json()["suggestions"]
    for answer in answers:
        spec.validate_response(
            DjangoOpenAPIRequest(answer.wsgi_request), DjangoOpenAPIResponse(answer)
        )
