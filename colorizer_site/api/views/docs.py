"""The API documentation page, built from the same operation tables as /api/openapi.json."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from colorizer_site.api.spec import OPERATIONS, Operation, Param
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.keys.models import ApiKey
from colorizer_site.webhooks import services as webhooks

# What a signed-out reader sees in place of a key.
PLACEHOLDER_KEY = "cz_xxxxxxxx_YOUR-SECRET"


@dataclass(frozen=True)
class ParamRow:
    name: str
    where: str
    accepts: str
    default: str
    required: bool
    description: SafeString


@dataclass(frozen=True)
class OperationDoc:
    operation: Operation
    description: SafeString
    params: list[ParamRow]
    replies: list[tuple[int, SafeString]]
    examples: list[tuple[str, str]]


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    key = _example_key(request)
    base_url = request.build_absolute_uri("/").rstrip("/")
    operations = [
        OperationDoc(
            operation=operation,
            description=_with_code(operation.description),
            params=[_row(param) for param in operation.params],
            replies=[(reply.status, _with_code(reply.description)) for reply in operation.replies],
            examples=[
                (example.title, operation.curl(example, base_url=base_url, api_key=key))
                for example in operation.examples
            ],
        )
        for operation in OPERATIONS
    ]
    return render(
        request,
        "web/docs.html",
        {
            "operations": operations,
            "example_key": key,
            "has_key": key != PLACEHOLDER_KEY,
            "states": ColorizationJob.State.choices,
            "rate_per_second": f"{settings.COLORIZER_RATE_LIMIT_PER_SECOND:g}",
            "rate_burst": settings.COLORIZER_RATE_LIMIT_BURST,
            "sync_wait": settings.COLORIZER_SYNC_WAIT_SECONDS,
            "retention_days": settings.COLORIZER_RESULT_RETENTION_DAYS,
            "webhook_timeout": f"{settings.COLORIZER_WEBHOOK_TIMEOUT:g}",
            "webhook_retries": webhooks.retry_words(),
            "webhook_disable_after": webhooks.disable_words(),
        },
    )


def _example_key(request: HttpRequest) -> str:
    """The reader's newest live key, as its public prefix with the secret left for them."""
    if not request.user.is_authenticated:
        return PLACEHOLDER_KEY
    key = ApiKey.objects.filter(user=request.user, revoked_at__isnull=True).first()
    if key is None:
        return PLACEHOLDER_KEY
    return f"cz_{key.prefix}_YOUR-SECRET"


def _row(param: Param) -> ParamRow:
    if param.kind == "file":
        accepts = "file"
    elif param.kind == "files":
        accepts = "files (repeat the field)"
    elif param.kind == "file-or-text":
        accepts = "file, or text: URL / base64 / data URL"
    elif param.kind == "hints":
        accepts = "text: a JSON array of pins"
    elif param.kind == "list":
        accepts = "a JSON array of strings"
    elif param.choices:
        accepts = " | ".join(str(choice) for choice in param.choices)
    elif param.bounds:
        accepts = f"{param.kind}, {param.bounds[0]} to {param.bounds[1]}"
    elif param.kind == "number":
        accepts = "number"
    else:
        accepts = "text"
    where = {
        "form": "form field",
        "query": "query string",
        "path": "in the path",
        "json": "JSON body",
    }[param.location]
    default = "" if param.default is None else str(param.default)
    return ParamRow(
        param.name, where, accepts, default, param.required, _with_code(param.description)
    )


def _with_code(text: str) -> SafeString:
    """The tables' descriptions mark names as `code`, as in the OpenAPI document's Markdown."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # escaped first
