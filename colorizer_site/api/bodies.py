"""The API's JSON request bodies, and a photo's facts given as form fields: parsed and
checked before any service runs, refused with a 400 that says what is wrong."""

from __future__ import annotations

import json
import re
from typing import Any

from django.http import HttpRequest, QueryDict

from colorizer_site.api.errors import ApiError
from colorizer_site.jobs.facts import FACT_NAMES, Facts

_TASK_ID = re.compile(r"[0-9a-f]{32}")
MAX_TASK_IDS = 1000


def json_object(request: HttpRequest) -> dict[str, Any]:
    """The request's body as a JSON object."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "The body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return body


def fact_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The facts named in a JSON body, checked (InvalidFacts, a 400, when one is wrong)."""
    changes = {name: body[name] for name in FACT_NAMES if name in body}
    for name, value in changes.items():
        if value is None:
            changes[name] = [] if name == "people" else ""
        elif name == "people" and not (
            isinstance(value, list) and all(isinstance(item, str) for item in value)
        ):
            raise ApiError(400, "people must be a list of names.")
        elif name != "people" and not isinstance(value, str):
            raise ApiError(400, f"{name} must be text.")
    Facts.from_mapping(changes)
    return changes


def facts_from_form(form: QueryDict) -> Facts | None:
    """The facts among a create call's form fields, or None when it gives none."""
    given = {name: form[name] for name in FACT_NAMES if form.get(name)}
    return Facts.from_mapping(given) if given else None


def task_ids(body: dict[str, Any], *, required: bool) -> list[str]:
    value = body.get("task_ids")
    if value is None and not required:
        return []
    if (
        not isinstance(value, list)
        or not all(isinstance(item, str) and _TASK_ID.fullmatch(item) for item in value)
        or len(value) > MAX_TASK_IDS
    ):
        raise ApiError(
            400, f"task_ids must be a list of at most {MAX_TASK_IDS} task ids (32 hex digits)."
        )
    return value


def album_name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str):
        raise ApiError(400, "name must be the album's name as text.")
    return name
