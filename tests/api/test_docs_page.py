"""The Docs page: every operation, generated from the API's tables, with the reader's key
prefix -- and its curl examples really work when pasted into a shell."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from colorizer_site.api.spec import OPERATIONS
from colorizer_site.keys.services import create_key, revoke
from tests.api.conftest import ImageServer

EXAMPLES = sum(len(operation.examples) for operation in OPERATIONS)


def curl_blocks(html: str) -> list[str]:
    import html as html_module

    blocks = re.findall(r'<pre data-testid="curl"[^>]*><code>(.*?)</code></pre>', html, re.S)
    return [html_module.unescape(block) for block in blocks]


@pytest.mark.django_db
def test_the_docs_list_every_operation_with_the_readers_key_prefix(
    client_user: Any, user: Any, make_user: Any
) -> None:
    create_key(user=make_user(), name="someone else's")
    old, _ = create_key(user=user, name="old")
    newest, _ = create_key(user=user, name="newest")

    response = client_user.get(reverse("docs"))

    html = response.content.decode()
    assert response.status_code == 200
    for operation in OPERATIONS:
        assert f"{operation.method} {operation.path}" in html
        for param in operation.params:
            assert f"<code>{param.name}</code>" in html
    blocks = curl_blocks(html)
    assert len(blocks) == EXAMPLES
    assert all(f"X-API-KEY: cz_{newest.prefix}_YOUR-SECRET" in block for block in blocks)
    assert old.prefix not in html
    assert "http://testserver/api/" in blocks[0]


@pytest.mark.django_db
def test_a_revoked_key_is_not_offered_as_the_example(client_user: Any, user: Any) -> None:
    key, _ = create_key(user=user, name="gone")
    revoke(key=key)

    html = client_user.get(reverse("docs")).content.decode()

    assert key.prefix not in html
    assert "cz_xxxxxxxx_YOUR-SECRET" in html
    assert reverse("keys:list") in html


@pytest.mark.django_db
def test_signed_out_readers_see_a_placeholder_key(client: Any) -> None:
    html = client.get(reverse("docs")).content.decode()

    assert len(curl_blocks(html)) == EXAMPLES
    assert "cz_xxxxxxxx_YOUR-SECRET" in html
    assert reverse("account_login") in html


@pytest.mark.django_db(transaction=True)
def test_every_curl_example_works_when_pasted_into_a_shell(
    client_user: Any,
    make_user: Any,
    live_server: Any,
    image_server: ImageServer,
    gray_photo_jpeg: bytes,
    tmp_path: Path,
) -> None:
    import base64

    reader = make_user(email="reader@example.com", credits=40)
    key, raw_key = create_key(user=reader, name="docs")
    client_user.force_login(reader)
    (tmp_path / "photo.jpg").write_bytes(gray_photo_jpeg)
    (tmp_path / "photo.b64").write_text(base64.b64encode(gray_photo_jpeg).decode())
    remote = image_server.add("/old-photo.jpg", body=gray_photo_jpeg)
    task_id = batch_id = album_id = ""

    blocks = curl_blocks(client_user.get(reverse("docs")).content.decode())
    for block in blocks:
        command = (
            block.replace("http://testserver", live_server.url)
            .replace(f"cz_{key.prefix}_YOUR-SECRET", raw_key)
            .replace("https://example.com/old-photo.jpg", remote)
            .replace("TASK_ID", task_id or "TASK_ID")
            .replace("BATCH_ID", batch_id or "BATCH_ID")
            .replace("ALBUM_ID", album_id or "ALBUM_ID")
        )
        done = subprocess.run(
            ["bash", "-c", command + " -sS -w '\\n%{http_code}'"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        body, _, status = done.stdout.rpartition("\n")
        # The cancel example runs on a task that has finished: the documented 409.
        created = "/batches " in block or ("-X POST" in block and "/api/v1/albums " in block)
        expected = "409" if "/cancel" in block else "201" if created else "200"
        assert status == expected, f"{block}\n-> {status} {body[:300]} {done.stderr}"
        if "-o " not in block and body.startswith("{"):
            answer = json.loads(body)
            task_id = answer.get("data", {}).get("task_id", task_id)
            batch_id = answer.get("batch_id", batch_id)
            album_id = answer.get("album_id", album_id)
    assert task_id
    assert (tmp_path / "colorized.jpg").read_bytes()[:2] == b"\xff\xd8"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_docs_in_a_browser_show_the_key_and_link_the_openapi_document(
    live_server: Any, page: Any, user: Any, client: Any, screenshot_dir: Path
) -> None:
    from playwright.sync_api import expect

    key, _ = create_key(user=user, name="laptop")
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )

    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Docs").click()

    expect(page.get_by_role("heading", name="API documentation")).to_be_visible()
    expect(page.get_by_test_id("example-key")).to_have_text(f"cz_{key.prefix}_YOUR-SECRET")
    expect(page.get_by_test_id("operation")).to_have_count(len(OPERATIONS))
    expect(page.get_by_test_id("curl").first).to_contain_text(f"{live_server.url}/api/tasks")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1200, f"the page scrolls sideways ({width}px wide)"
    page.screenshot(path=str(screenshot_dir / "api-docs.png"), full_page=True)

    page.get_by_role("link", name="/api/openapi.json").click()
    document = json.loads(page.locator("body").inner_text())
    assert document["openapi"] == "3.1.0"
