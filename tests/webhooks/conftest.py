"""A webhook receiver on loopback, recording what it is sent; endpoints and photos."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test.utils import override_settings

from tests.api.conftest import _small_models, api, api_models_dir  # noqa: F401


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers POSTs with `status` (after failing
    `failures` times with 500), recording every request."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.failures = 0
        self.status = 204
        self.redirect_to = ""
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                receiver.received.append(
                    Received(self.path, dict(self.headers), self.rfile.read(length))
                )
                if receiver.redirect_to:
                    self.send_response(307)
                    self.send_header("Location", receiver.redirect_to)
                elif receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _quick_retries() -> Iterator[None]:
    """Retries a few milliseconds apart instead of 5 s, 1 min, 10 min, 1 h, 6 h."""
    with override_settings(
        COLORIZER_WEBHOOK_RETRY_SCHEDULE=[0.05] * 5,
        COLORIZER_RATE_LIMIT_PER_SECOND=1000,
        COLORIZER_RATE_LIMIT_BURST=1000,
    ):
        yield


@pytest.fixture
def endpoint(user: Any, receiver: Receiver) -> Any:
    from colorizer_site.webhooks import services

    return services.create_endpoint(
        owner=user, url=receiver.url, events=["task.succeeded", "task.failed"]
    )
