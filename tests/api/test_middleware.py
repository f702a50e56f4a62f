"""JSON on every path under /api/ (api/middleware.py): the refusals Django itself makes and
an unplanned exception come back in the dialect's error shape, never as HTML."""

from __future__ import annotations

import json

import httpx
import pytest
from django.test import RequestFactory

from colorizer_site.api.middleware import ApiJsonErrorsMiddleware
from tests.api.conftest import CREATE

COLORIZE = "/api/v1/colorize"


@pytest.mark.django_db(transaction=True)
def test_refusals_django_makes_are_json_in_the_dialects_shape(api: httpx.Client) -> None:
    unknown = api.get("/api/v1/no-such-thing")
    wrong_method = api.get(CREATE)
    v1_wrong_method = api.get(COLORIZE)
    result_404 = httpx.get(f"{api.base_url}/api/results/nonsense")
    bad_host = api.get("/api/v1/account", headers={"Host": "evil.example"})

    assert unknown.status_code == 404
    assert "no API endpoint" in unknown.json()["error"]
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert wrong_method.json()["status"] == 405
    assert "GET" in wrong_method.json()["message"]
    assert v1_wrong_method.status_code == 405
    assert v1_wrong_method.json()["error"]
    assert result_404.status_code == 404
    assert result_404.json()["error"]
    assert bad_host.status_code == 400
    assert bad_host.json()["error"]


@pytest.mark.parametrize(
    ("path", "shape"), [(CREATE, {"status", "message", "data"}), (COLORIZE, {"error"})]
)
def test_an_unplanned_exception_is_a_json_500(path: str, shape: set[str]) -> None:
    middleware = ApiJsonErrorsMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    request = RequestFactory().post(path)

    response = middleware.process_exception(request, RuntimeError("disk on fire"))

    assert response is not None
    assert response.status_code == 500
    assert set(json.loads(response.content)) == shape
    assert "disk on fire" not in response.content.decode()
    assert middleware.process_exception(RequestFactory().get("/credits/"), RuntimeError()) is None
