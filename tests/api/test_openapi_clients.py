"""The OpenAPI document read by tools nobody here wrote: a client that openapi-python-client
generates from /api/openapi.json drives the live server, and openapi-core checks real
responses and real signed webhook deliveries against the document."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from openapi_core.datatypes import RequestParameters
from standardwebhooks.webhooks import Webhook

from colorizer_site.webhooks import services as webhooks
from colorizer_site.webhooks.delivery import send_due
from tests.webhooks.conftest import Receiver

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "colorizer_api_client"


@pytest.fixture(scope="session")
def client_package(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """The client package generated from the live document (offline: a local file in, a
    package out; no formatter hooks, so nothing beyond the generator is needed)."""
    folder = tmp_path_factory.mktemp("generated")
    document = folder / "openapi.json"
    document.write_bytes(httpx.get(f"{live_server.url}/api/openapi.json").content)
    config = folder / "config.yaml"
    config.write_text(f"post_hooks: []\npackage_name_override: {PACKAGE}\n")
    finished = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(document), "--output-path",
         str(folder / PACKAGE), "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stdout + finished.stderr
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def _part(package: ModuleType, name: str) -> Any:
    return importlib.import_module(f"{package.__name__}.{name}")


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_colorizes_lists_and_reads_tasks(
    client_package: ModuleType, live_server: Any, api_key: tuple[Any, str], gray_photo_jpeg: bytes
) -> None:
    models = _part(client_package, "models")
    types = _part(client_package, "types")
    create = _part(client_package, "api.task_dialect.create_colorization_task")
    get_task = _part(client_package, "api.task_dialect.get_colorization_task")
    list_tasks = _part(client_package, "api.colorize_dialect_v_1.list_tasks")
    get_account = _part(client_package, "api.colorize_dialect_v_1.get_account")
    client = client_package.AuthenticatedClient(
        base_url=live_server.url, token=api_key[1], prefix="", auth_header_name="X-API-KEY"
    )

    created = create.sync(
        client=client,
        body=models.CreateColorizationTaskBody(
            image_file=types.File(
                payload=io.BytesIO(gray_photo_jpeg), file_name="old.jpg", mime_type="image/jpeg"
            ),
            sync=models.CreateColorizationTaskBodySync.VALUE_1,
            model=models.CreateColorizationTaskBodyModel.TINY,
        ),
    )
    read = get_task.sync(task_id=created.data.task_id, client=client)
    listed = list_tasks.sync(client=client)
    account = get_account.sync(client=client)

    assert isinstance(created, models.TaskEnvelope), created
    assert created.data.state == 1
    assert isinstance(read, models.TaskEnvelope) and read.data.task_id == created.data.task_id
    assert isinstance(listed, models.TaskList)
    # TaskItem keeps `message` beside TaskData's fields (the second allOf member).
    assert [(item.task_id, item.message) for item in listed.tasks] == [
        (created.data.task_id, "success")
    ]
    assert isinstance(account, models.Account) and account.credits_ == 2


class _Answered(DjangoOpenAPIRequest):
    """The request a response answered, for checking the response: the view has read the
    body already, and only the method, path and parameters pick the document's entry."""

    @property
    def body(self) -> bytes:
        return b""


@pytest.fixture
def spec(client: Any) -> OpenAPI:
    return OpenAPI.from_dict(client.get("/api/openapi.json").json())


@pytest.mark.django_db(transaction=True)
def test_real_responses_of_both_dialects_match_the_document(
    client: Any, spec: OpenAPI, api_key: tuple[Any, str], gray_photo_jpeg: bytes
) -> None:
    key = {"HTTP_X_API_KEY": api_key[1]}

    def photo() -> SimpleUploadedFile:
        return SimpleUploadedFile("old.jpg", gray_photo_jpeg, content_type="image/jpeg")

    task = client.post(
        "/api/tasks/visual/colorization",
        {"image_file": photo(), "sync": "1", "model": "tiny"},
        **key,
    )
    task_id = task.json()["data"]["task_id"]
    answers = [
        task,
        client.get(f"/api/tasks/visual/colorization/{task_id}", **key),
        client.get(f"/api/tasks/visual/colorization/{task_id}/palette?x=5&y=5", **key),
        client.get("/api/tasks/visual/colorization/no-such-task", **key),
        client.post("/api/tasks/visual/colorization", {"sync": "1"}, **key),
        client.post("/api/v1/colorize", {"image": photo(), "model": "tiny"}, **key),
        client.post("/api/v1/colorize", {"image": photo(), "model": "none-such"}, **key),
        client.get("/api/v1/account", **key),
        client.get("/api/v1/account"),
        client.get("/api/v1/tasks?limit=1", **key),
        client.post(f"/api/v1/tasks/{task_id}/cancel", **key),
        client.post("/api/v1/batches", {"images": [photo()], "model": "tiny"}, **key),
        client.get("/api/v1/batches/none-such", **key),
    ]

    assert [answer.status_code for answer in answers] == [
        200, 200, 200, 404, 400, 200, 400, 200, 401, 200, 409, 201, 404
    ]  # fmt: skip
    for answer in answers:
        spec.validate_response(_Answered(answer.wsgi_request), DjangoOpenAPIResponse(answer))


class _Delivery:
    """A delivery as the receiver got it, in the shape openapi-core reads webhooks in."""

    method = "post"
    content_type = "application/json"

    def __init__(self, name: str, headers: dict[str, str], body: bytes) -> None:
        self.name = name
        self.body = body
        self.parameters = RequestParameters(header=httpx.Headers(headers))


@pytest.mark.django_db(transaction=True)
def test_signed_webhook_deliveries_match_the_document_without_an_api_key(
    client: Any,
    spec: OpenAPI,
    user: Any,
    api_key: tuple[Any, str],
    gray_photo_jpeg: bytes,
) -> None:
    receiver = Receiver()
    try:
        endpoint = webhooks.create_endpoint(
            owner=user, url=receiver.url, events=["task.succeeded", "batch.completed"]
        )
        photo = SimpleUploadedFile("old.jpg", gray_photo_jpeg, content_type="image/jpeg")
        batch = client.post(
            "/api/v1/batches", {"images": [photo], "model": "tiny"}, HTTP_X_API_KEY=api_key[1]
        )
        assert batch.status_code == 201
        send_due()
    finally:
        receiver.close()

    names = []
    for delivery in receiver.received:
        event = Webhook(endpoint.secret).verify(delivery.body, delivery.headers)
        names.append(event["type"])
        spec.validate_request(_Delivery(event["type"], delivery.headers, delivery.body))
    assert sorted(names) == ["batch.completed", "task.succeeded"]
    assert json.loads(receiver.received[0].body)["data"]
