"""Fixtures for the API tests: an image server on loopback, clients with a key, photos."""

from __future__ import annotations

import http.server
import io
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test.utils import override_settings

from tests.jobs.conftest import submit  # noqa: F401  (jobs with real files, for the album calls)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Bytes sent per write and the pause between writes, to make slow servers.
    chunk: int = 0
    pause: float = 0.0
    # False: no Content-Length, the body runs until the connection closes.
    declare_length: bool = True


class ImageServer:
    """A real HTTP server on 127.0.0.1 serving canned routes, recording what it was asked."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path, Route(404, b"not found"))
                self.send_response(route.status)
                if route.declare_length:
                    headers = {"Content-Length": str(len(route.body)), **route.headers}
                else:
                    headers = {"Connection": "close", **route.headers}
                    self.close_connection = True
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if route.chunk:
                    for start in range(0, len(route.body), route.chunk):
                        self.wfile.write(route.body[start : start + route.chunk])
                        self.wfile.flush()
                        time.sleep(route.pause)
                else:
                    self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, **route: Any) -> str:
        self.routes[path] = Route(**route)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, status=status, headers={"Location": location})


@pytest.fixture
def image_server() -> Iterator[ImageServer]:
    server = ImageServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def _own_family_graph(path: Path, *, slope: float) -> None:
    """A real ONNX graph of the own models' contract: [1,1,H,W] L* in, [1,2,H,W] a*b* out,
    here a*, b* = slope * (L* - 50), 10 -- a 1x1 convolution, instant on any machine."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    kernel = numpy_helper.from_array(np.array([slope, 0.0], np.float32).reshape(2, 1, 1, 1), "k")
    bias = numpy_helper.from_array(np.array([-50.0 * slope, 10.0], np.float32), "b")
    graph = helper.make_graph(
        [helper.make_node("Conv", ["input", "k", "b"], ["output"])],
        "api-test-model",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 1, "h", "w"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 2, "h", "w"])],
        initializer=[kernel, bias],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


@pytest.fixture(scope="session")
def api_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny and large: the own models' v2 contract (colour bins, hints), as the engine
    tests' guided graph; plain: the v1 contract (a*b* out), a model that takes no hints."""
    from tests.engine.conftest import guided_graph

    folder = tmp_path_factory.mktemp("api-models")
    guided_graph(folder / "api-test-tiny.onnx")
    guided_graph(folder / "api-test-large.onnx")
    _own_family_graph(folder / "api-test-plain.onnx", slope=0.2)
    return folder


@pytest.fixture(autouse=True)
def _small_models(api_models_dir: Path) -> Iterator[None]:
    """The API tests are about the API: they run the real engine pipeline on two tiny
    graphs of the own models' contract instead of the trained weights, so that dozens of
    colorizations take seconds and do not depend on a training run."""
    with override_settings(
        COLORIZER_MODELS_DIR=api_models_dir,
        COLORIZER_MODEL_CHOICES={"tiny": "api-test-tiny", "large": "api-test-large"},
    ):
        yield


@pytest.fixture(autouse=True)
def _generous_rate_limit() -> Iterator[None]:
    """Most tests send more than one burst; the rate-limit tests set their own numbers."""
    with override_settings(COLORIZER_RATE_LIMIT_PER_SECOND=1000, COLORIZER_RATE_LIMIT_BURST=1000):
        yield


@pytest.fixture
def api(live_server: Any, api_key: tuple[Any, str]) -> Iterator[httpx.Client]:
    """httpx against the live server, sending `api_key`'s secret."""
    with httpx.Client(
        base_url=live_server.url, headers={"X-API-KEY": api_key[1]}, timeout=120
    ) as client:
        yield client


@pytest.fixture
def client_for(live_server: Any) -> Iterator[Callable[[str], httpx.Client]]:
    """client_for(raw_key) -> an httpx client for the live server sending that key."""
    clients: list[httpx.Client] = []

    def make(raw_key: str) -> httpx.Client:
        client = httpx.Client(base_url=live_server.url, headers={"X-API-KEY": raw_key}, timeout=120)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


CREATE = "/api/tasks/visual/colorization"
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def create_task(api: httpx.Client, photo: bytes | None, **fields: Any) -> httpx.Response:
    """POST a task-dialect create with `photo` as image_file and `fields` as form fields."""
    files = {"image_file": ("photo.jpg", photo, "image/jpeg")} if photo is not None else None
    return api.post(CREATE, data={k: str(v) for k, v in fields.items()}, files=files)


def opened(data: bytes) -> Any:
    """The image Pillow reads from `data`, fully decoded."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def queue_only() -> Iterator[None]:
    """Jobs wait in the queue (no worker runs them), so the API shows them queued."""
    with override_settings(TASKS=QUEUE_ONLY):
        yield


@pytest.fixture(scope="session")
def gray_photo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.linear_gradient("L").resize((96, 64))
    ImageDraw.Draw(image).ellipse((20, 10, 60, 50), fill=220)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
