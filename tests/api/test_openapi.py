"""The OpenAPI document: complete, valid, and what the live server really does (schemathesis)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from colorizer_site.api.spec import OPERATIONS, Operation
from colorizer_site.keys.services import create_key


@pytest.mark.django_db(transaction=True)
def test_the_document_describes_every_operation_and_parameter(live_server: Any) -> None:
    response = httpx.get(f"{live_server.url}/api/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": live_server.url}]
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-KEY",
    }
    for operation in OPERATIONS:
        described = document["paths"][operation.path][operation.method.lower()]
        bodies = described.get("requestBody", {}).get("content", {})
        names = {parameter["name"] for parameter in described.get("parameters", [])}
        for media_type in ("multipart/form-data", "application/json"):
            names |= set(bodies.get(media_type, {}).get("schema", {}).get("properties", {}))
        assert {param.name for param in operation.params} <= names
        assert {str(reply.status) for reply in operation.replies} == set(described["responses"])

    create = document["paths"]["/api/tasks/visual/colorization"]["post"]
    fields = create["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert fields["sync"]["enum"] == [0, 1] and fields["sync"]["default"] == 0
    assert fields["return_type"]["enum"] == [1, 2, 3] and fields["return_type"]["default"] == 1
    assert fields["format"]["default"] == "jpeg"
    assert fields["model"]["default"] == "large"
    assert fields["image_file"]["format"] == "binary"
    assert "image/png" in create["responses"]["200"]["content"]
    assert "Retry-After" in create["responses"]["429"]["headers"]
    assert "RateLimit" in create["responses"]["200"]["headers"]
    assert "X-Credits-Charged" in create["responses"]["200"]["headers"]
    assert set(document["webhooks"]) == {"task.succeeded", "task.failed", "batch.completed"}
    finished = document["webhooks"]["task.succeeded"]["post"]
    event = finished["requestBody"]["content"]["application/json"]["schema"]
    assert event["properties"]["data"] == {"$ref": "#/components/schemas/TaskItem"}
    assert {header["name"] for header in finished["parameters"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }


def no_server_error(ctx: Any, response: Any, case: Any) -> None:
    """No 5xx except the documented 502 for an image URL that could not be fetched
    (the fuzzer invents URLs); 503 and 504 cannot happen with the test models and the
    immediate task backend, so they would be real faults here."""
    if response.status_code >= 500 and response.status_code != 502:
        raise AssertionError(f"server error {response.status_code}: {response.text[:300]}")
    if response.status_code == 502:
        assert "image" in response.json().get("message", response.json().get("error", ""))
    if response.headers.get("Content-Type") == "application/json":
        # A crash inside the job is caught and reported as a failed task (-1), which
        # is still a server fault when the input was a valid image.
        state = (response.json().get("data") or {}).get("state")
        assert state != -1, f"the colorization crashed: {response.text[:300]}"


CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fuzzer may invent an image_url on a public address; never let the server
    (it runs in this process) actually reach out to one."""
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> Any:
        if isinstance(address, tuple) and not ipaddress.ip_address(address[0]).is_loopback:
            raise OSError(f"test: no traffic beyond loopback ({address[0]})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture
def fuzz_key(make_user: Any) -> str:
    return create_key(user=make_user(credits=1000), name="schemathesis")[1]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[operation.operation_id for operation in OPERATIONS]
)
def test_the_live_server_keeps_to_its_openapi_document(
    live_server: Any, fuzz_key: str, operation: Operation, mode: GenerationMode
) -> None:
    # Loaded from the live server, the way a client would; schemathesis's own pytest
    # plugin is bypassed because its fixture loader does not run on pytest 9.
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    target = schema[operation.path][operation.method]

    @given(case=target.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        # The document declares the key scheme, so generated cases may carry a made-up
        # key; the real one is what lets the fuzzing reach past authentication.
        case.headers = {**(case.headers or {}), "X-API-KEY": fuzz_key}
        case.call_and_validate(checks=CHECKS, timeout=60)

    check()
