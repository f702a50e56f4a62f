"""The Content-Security-Policy header on every kind of answer, and templates that keep to
it: no inline script, event-handler attribute or style attribute anywhere."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [REPO / "templates", *REPO.glob("colorizer_site/*/templates")]
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "an on…= handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a style= attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def policy_of(response: Any) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/docs/", "/privacy/", "/accounts/login/", "/no/such/"])
def test_pages_carry_the_policy(client: Any, path: str) -> None:
    policy = policy_of(client.get(path))

    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert "unsafe" not in " ".join(policy.values())


@pytest.mark.django_db
def test_signed_in_pages_and_api_answers_carry_it_too(client_user: Any) -> None:
    for path in ("/", "/gallery/", "/accounts/data/", "/credits/", "/api/v1/account"):
        assert policy_of(client_user.get(path))["default-src"] == "'self'", path


def test_no_template_has_inline_script_handlers_or_styles() -> None:
    found = []
    for folder in TEMPLATE_DIRS:
        for template in folder.rglob("*.html"):
            text = template.read_text()
            for what, pattern in INLINE.items():
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{template.relative_to(REPO)}:{line}: {what}")
    assert found == []
