"""The shapes of the API's operation tables, and the parameters several operations share.

The tables drive three things that must never disagree: the request parsing in
the API views (choices, defaults), the OpenAPI document at /api/openapi.json,
and the Docs page with its curl examples. They live in `jobs` because both the
API and the pages read them, and those two import only downwards.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop as _

from colorizer_site.engine import formats
from colorizer_site.engine.hints import MAX_HINTS, VIVIDNESS_RANGE
from colorizer_site.engine.photo_kind import KINDS as PHOTO_KINDS
from colorizer_site.engine.types import MODES
from colorizer_site.jobs import options
from colorizer_site.jobs.limits import Surface, limits_for

# The accepted formats in words and file extensions, from the engine's format table.
INPUT_FORMATS = (
    f"{formats.input_formats_sentence()} "
    f"({', '.join(extension.lstrip('.') for extension in formats.input_extensions())})"
)
# What each way in publishes as its input limits (the numbers live in jobs.limits).
INPUT_LIMITS = f"{INPUT_FORMATS}; {limits_for(Surface.TASKS).describe()}"
V1_INPUT_LIMITS = f"{INPUT_FORMATS}; {limits_for(Surface.V1).describe()}"
BATCH_INPUT_LIMITS = f"{INPUT_FORMATS}; {limits_for(Surface.PAGES).describe()}"
# The format parameter accepts "jpg" as well, as the task dialect publishes.
OUTPUT_FORMAT_CHOICES = tuple(
    spelling
    for name in formats.OUTPUT_CONTENT_TYPES
    for spelling in ((name, "jpg") if name == "jpeg" else (name,))
)
V1_FILE_LIMIT_BYTES = limits_for(Surface.V1).max_bytes
FLAG_CHOICES = ("true", "false", "1", "0")
TASK_PAGE_DEFAULT = 20
TASK_PAGE_MAX = 100
# The list's state filter: names for the task dialect's state codes.
TASK_STATE_FILTERS = ("queued", "processing", "succeeded", "failed", "cancelled")


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    # string | integer | number | file | files (repeated) | flag (true/false/1/0) | file-or-text
    # | hints (JSON text) | list (a JSON array of strings, in a JSON body)
    kind: str = "string"
    location: str = "form"  # form | query | path | json (a member of a JSON object body)
    choices: tuple[str | int, ...] = ()
    default: str | int | None = None
    required: bool = False
    # The value the curl examples use; a file is "@name".
    example: str | None = None
    # Inclusive range of an integer or number without a fixed list of choices.
    bounds: tuple[int, int] | None = None


@dataclass(frozen=True)
class Reply:
    """One documented response: its status, what it means, and the body it carries."""

    status: int
    description: str
    # task | task-error | error | colorize | account | task-list | task-item | batch | palette
    # | suggestions
    body: str
    rate_limited: bool = False


@dataclass(frozen=True)
class Example:
    title: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # OpenAPI path template, e.g. /api/tasks/visual/colorization/{task_id}
    dialect: str  # task | v1
    summary: str
    description: str
    params: tuple[Param, ...] = ()
    replies: tuple[Reply, ...] = ()
    examples: tuple[Example, ...] = ()
    idempotent: bool = False

    def param(self, name: str) -> Param:
        return next(param for param in self.params if param.name == name)

    def curl(self, example: Example, *, base_url: str, api_key: str) -> str:
        """The example as one curl command line (with continuation backslashes)."""
        path = self.path
        query = []
        for param in self.params:
            value = example.values.get(param.name)
            if value is None:
                continue
            if param.location == "path":
                path = path.replace("{" + param.name + "}", value)
            elif param.location == "query":
                query.append(f"{param.name}={value}")
        url = base_url.rstrip("/") + path + ("?" + "&".join(query) if query else "")
        parts = ["curl"]
        if self.method != "GET":
            parts += ["-X", self.method]
        parts.append(shlex.quote(url))
        lines = [" ".join(parts), f"-H {shlex.quote('X-API-KEY: ' + api_key)}"]
        if self.idempotent and example.values.get("Idempotency-Key"):
            header = "Idempotency-Key: " + example.values["Idempotency-Key"]
            lines.append(f"-H {shlex.quote(header)}")
        for param in self.params:
            value = example.values.get(param.name)
            if value is not None and param.location == "form":
                lines.append(f"-F {shlex.quote(param.name + '=' + value)}")
        body = {
            param.name: json.loads(value) if param.kind == "list" else value
            for param in self.params
            if param.location == "json" and (value := example.values.get(param.name)) is not None
        }
        if body:
            lines.append(f"-H {shlex.quote('Content-Type: application/json')}")
            lines.append(f"-d {shlex.quote(json.dumps(body, ensure_ascii=False))}")
        if example.values.get("output"):
            lines.append(f"-o {shlex.quote(example.values['output'])}")
        return " \\\n  ".join(lines)


def _flag(name: str, what: str) -> Param:
    cost = options.price_words(options.ADDON_PRICES[name])
    return Param(
        name,
        f"{what} ({cost}). true/false, 1/0 also accepted.",
        kind="flag",
        choices=FLAG_CHOICES,
        default="false",
        example="true",
    )


MODEL = Param(
    "model",
    "Which colorization model to use: "
    + "; ".join(options.model_label(name) for name in options.model_choices())
    + ".",
    choices=options.model_choices(),
    default=options.DEFAULT_MODEL,
)
MODE = Param(
    "mode",
    "What to do with the photo: `colorize` gives a black-and-white photo colour; "
    "`restore` repairs a faded colour print (removes the cast, brings back contrast and "
    "saturation) and keeps its own colours. The same price. The result reports the photo "
    "kind it detected (`photo_kind`: " + ", ".join(PHOTO_KINDS) + "); "
    "`model`, `hints` and `vividness`'s temperature apply to colorize only.",
    choices=MODES,
    default=options.DEFAULT_MODE,
    example="restore",
)
OUTPUT_FORMAT = Param(
    "format",
    _("Output format of the result."),
    choices=OUTPUT_FORMAT_CHOICES,
    default=options.DEFAULT_OUTPUT_FORMAT,
)
CALLBACK_URL = Param(
    "callback_url",
    _(
        "Optional: an http(s) URL that receives the task's final state as a Standard Webhooks "
        "POST (`task.succeeded` or `task.failed`, with the task's data), signed with your "
        "callback secret from the Webhooks page. Private and loopback addresses are refused."
    ),
)
CLEAN_SCRATCHES = _flag("clean_scratches", "Repair scratches and dust first")
FACE_REMASTER = _flag("face_remaster", "Sharpen faces with a clarity boost")
HINTS = Param(
    "hints",
    "Extension: colour pins, a JSON array of "
    '`{"x": <px>, "y": <px>, "color": "#rrggbb"}` in the photo\'s pixels as shown '
    f"upright (x from the left, y from the top), at most {MAX_HINTS}. Each pin's spot "
    "takes exactly its colour and the model carries it over the region it belongs to; "
    "the lightness stays the photo's own. Free. A bad value is a 400 naming `hints`.",
    kind="hints",
)
VIVIDNESS = Param(
    "vividness",
    f"Extension: how vivid the colours are, {VIVIDNESS_RANGE[0]} (muted, the model's "
    f"average guess) to {VIVIDNESS_RANGE[1]} (its single likeliest colour); default: "
    "the model's measured best. Free. A bad value is a 400 naming `vividness`.",
    kind="integer",
    bounds=VIVIDNESS_RANGE,
)
EXAMPLE_HINTS = '[{"x": 60, "y": 60, "color": "#3a6ea5"}, {"x": 250, "y": 100, "color": "#b03a2e"}]'

# The 404 of an unknown task id, in both dialects.
NO_SUCH_TASK = _(
    "No task with this id belongs to this key's account, or its photo is no longer stored."
)
TASK_AUTH_REPLIES = (
    Reply(401, _("Missing, malformed, unknown or revoked API key."), "task-error"),
    Reply(
        429, _("Too many requests for this key; wait `Retry-After` seconds."), "task-error", True
    ),
)
V1_AUTH_REPLIES = (
    Reply(401, _("Missing, malformed, unknown or revoked API key."), "error"),
    Reply(429, _("Too many requests for this key; wait `Retry-After` seconds."), "error", True),
)
