"""The API documentation page, built from the same operation tables as /api/openapi.json."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
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
    summary: str
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
            summary=_read(operation.summary),
            description=_with_code(_read(operation.description)),
            params=[_row(param) for param in operation.params],
            replies=[
                (reply.status, _with_code(_read(reply.description))) for reply in operation.replies
            ],
            examples=[
                (_read(example.title), operation.curl(example, base_url=base_url, api_key=key))
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


# The page's words for what a parameter accepts and where it goes. The operation tables
# are English (the OpenAPI document reads them); their sentences are marked with
# gettext_noop and read here in the page's language (docs/languages.md).
ACCEPTS = {
    "file": _("file"),
    "files": _("files (repeat the field)"),
    "file-or-text": _("file, or text: URL / base64 / data URL"),
    "hints": _("text: a JSON array of pins"),
    "list": _("a JSON array of strings"),
    "number": _("number"),
    "integer": _("integer"),
}
WHERE = {
    "form": _("form field"),
    "query": _("query string"),
    "path": _("in the path"),
    "json": _("JSON body"),
}


def _row(param: Param) -> ParamRow:
    if param.kind in ACCEPTS and param.kind not in ("number", "integer"):
        accepts = str(ACCEPTS[param.kind])
    elif param.choices:
        accepts = " | ".join(str(choice) for choice in param.choices)
    elif param.bounds:
        accepts = gettext("%(kind)s, %(low)s to %(high)s") % {
            "kind": ACCEPTS.get(param.kind, param.kind),
            "low": param.bounds[0],
            "high": param.bounds[1],
        }
    elif param.kind == "number":
        accepts = str(ACCEPTS["number"])
    else:
        accepts = gettext("text")
    default = "" if param.default is None else str(param.default)
    return ParamRow(
        param.name,
        str(WHERE[param.location]),
        accepts,
        default,
        param.required,
        _with_code(_read(param.description)),
    )


def _read(text: str) -> str:
    """A sentence of the operation tables in the page's language (as it stands when it has
    no translation: one built with values, like the size limits)."""
    return gettext(text) if text else text


def _with_code(text: str) -> SafeString:
    """The tables' descriptions mark names as `code`, as in the OpenAPI document's Markdown."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))  # escaped first
