"""What one async create costs the database, counted: a guard against creeping round trips
(bench/api_throughput.py measures what that means in requests per second)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from tests.api.conftest import QUEUE_ONLY

# The key lookup, the rate-limit UPDATE … RETURNING, the job INSERT, the wallet lock and
# UPDATE, the ledger INSERT (the header reuses the balance it wrote, and the charge needs no
# savepoint of its own), and the transactions' bounds.
MAX_STATEMENTS = 11


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("warm", [False, True], ids=["first", "steady"])
def test_an_async_create_costs_few_statements(
    api_key: Any, gray_photo_jpeg: bytes, warm: bool
) -> None:
    client = Client(HTTP_X_API_KEY=api_key[1])
    files = {"model": "tiny"}

    def create() -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("p.jpg", gray_photo_jpeg, content_type="image/jpeg")
        return client.post("/api/tasks/visual/colorization", {**files, "image_file": upload})

    with override_settings(TASKS=QUEUE_ONLY):
        if warm:
            create()
        with CaptureQueriesContext(connection) as queries:
            response = create()

    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    # A key's first request also writes last_used and creates its rate-limit bucket.
    assert len(statements) <= MAX_STATEMENTS + (0 if warm else 5)
    assert response["X-Credits-Remaining"] == ("1" if warm else "2")
