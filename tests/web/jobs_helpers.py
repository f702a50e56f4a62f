"""Helpers shared by the colorize, job and gallery page tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from colorizer_site.jobs import services
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions


def make_job(
    owner: Any, image: bytes, *, run: bool = True, capture: Any = None, **options: Any
) -> ColorizationJob:
    """A job submitted through the service; run by the ImmediateBackend when `run`."""
    job_options = JobOptions(**{"model": "tiny", **options})
    with capture(execute=run):
        job = services.submit_job(
            owner=owner, image=image, filename="grandma.jpg", options=job_options
        )
    job.refresh_from_db()
    return job


@contextmanager
def serving(routes: dict[str, tuple[int, str, bytes]]) -> Iterator[str]:
    """A loopback HTTP server: path -> (status, content type, body); yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, content_type, body = routes.get(self.path, (404, "text/plain", b"missing"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
