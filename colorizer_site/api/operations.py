"""The API's operations and their parameters, written down once.

These tables drive three things that must never disagree: the request parsing
in the views (choices, defaults), the OpenAPI document at /api/openapi.json,
and the Docs page with its curl examples.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from colorizer_site.jobs.guidance import MAX_HINTS, MAX_PALETTE_SIZE, PALETTE_SIZE, VIVIDNESS_RANGE
from colorizer_site.jobs.limits import Surface, limits_for

# What each way in publishes as its input limits (the numbers live in jobs.limits).
INPUT_FORMATS = "jpg, jpeg, jfif, bmp, png, webp, tiff/tif (LZW too) and SGI rgb"
INPUT_LIMITS = f"{INPUT_FORMATS}; {limits_for(Surface.TASKS).describe()}"
V1_INPUT_LIMITS = f"{INPUT_FORMATS}; {limits_for(Surface.V1).describe()}"
BATCH_INPUT_LIMITS = f"{INPUT_FORMATS}; {limits_for(Surface.PAGES).describe()}"
V1_FILE_LIMIT_BYTES = limits_for(Surface.V1).max_bytes
FLAG_CHOICES = ("true", "false", "1", "0")
TASK_PAGE_DEFAULT = 20
TASK_PAGE_MAX = 100
# The list's state filter: names for the task dialect's state codes.
TASK_STATE_FILTERS = ("queued", "processing", "succeeded", "failed", "cancelled")
MODEL_CHOICES = ("large", "tiny")


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    # string | integer | number | file | files (repeated) | flag (true/false/1/0) | file-or-text
    # | hints (JSON text)
    kind: str = "string"
    location: str = "form"  # form | query | path
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
    # task | task-error | error | colorize | account | task-list | task-item | batch
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
        if example.values.get("output"):
            lines.append(f"-o {shlex.quote(example.values['output'])}")
        return " \\\n  ".join(lines)


def _flag(name: str, what: str, cost: str) -> Param:
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
    "Which colorization model to use: large (better) or tiny (faster).",
    choices=MODEL_CHOICES,
    default="large",
)
CALLBACK_URL = Param(
    "callback_url",
    "Optional: an http(s) URL that receives the task's final state as a Standard Webhooks "
    "POST (`task.succeeded` or `task.failed`, with the task's data), signed with your "
    "callback secret from the Webhooks page. Private and loopback addresses are refused.",
)
CLEAN_SCRATCHES = _flag("clean_scratches", "Repair scratches and dust first", "+1 credit")
FACE_REMASTER = _flag("face_remaster", "Sharpen faces with a clarity boost", "+2 credits")
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
_EXAMPLE_HINTS = (
    '[{"x": 60, "y": 60, "color": "#3a6ea5"}, {"x": 250, "y": 100, "color": "#b03a2e"}]'
)

TASK_AUTH_REPLIES = (
    Reply(401, "Missing, malformed, unknown or revoked API key.", "task-error"),
    Reply(429, "Too many requests for this key; wait `Retry-After` seconds.", "task-error", True),
)
V1_AUTH_REPLIES = (
    Reply(401, "Missing, malformed, unknown or revoked API key.", "error"),
    Reply(429, "Too many requests for this key; wait `Retry-After` seconds.", "error", True),
)

CREATE_TASK = Operation(
    operation_id="createColorizationTask",
    method="POST",
    path="/api/tasks/visual/colorization",
    dialect="task",
    summary="Create a colorization task",
    description=(
        "Send exactly one of `image_file` or `image_url`. Credits are charged when the task "
        "is accepted and refunded if it fails. With `sync=1` the call waits for the result "
        "(up to the server's sync wait, 60 s by default) and returns the task in progress "
        "if it is not done by then. Accepts an `Idempotency-Key` header: a retry with the "
        "same key and the same request replays the first response and charges nothing."
    ),
    params=(
        Param(
            "image_file",
            f"The photo to colorize, as a file upload: {INPUT_LIMITS}.",
            kind="file",
            example="@photo.jpg",
        ),
        Param(
            "image_url",
            "Or: an http(s) URL the server downloads the photo from (same limits; "
            "private and loopback addresses are refused).",
        ),
        Param(
            "sync",
            "1 waits for the result; 0 returns the task at once for polling.",
            kind="integer",
            choices=(0, 1),
            default=0,
        ),
        Param(
            "format",
            "Output format of the result.",
            choices=("jpeg", "jpg", "png", "webp"),
            default="jpeg",
        ),
        Param(
            "return_type",
            "How `data.image` carries the result: 1 signed URL (valid 1 hour), 2 base64, "
            "3 the image bytes as the whole response body (only with sync=1).",
            kind="integer",
            choices=(1, 2, 3),
            default=1,
        ),
        MODEL,
        CLEAN_SCRATCHES,
        FACE_REMASTER,
        CALLBACK_URL,
        HINTS,
        VIVIDNESS,
    ),
    replies=(
        Reply(
            200,
            "The task: finished with sync=1 (state 1, or negative if it failed), otherwise "
            "queued or processing. With return_type=3 and a finished task, the image itself.",
            "task",
        ),
        Reply(
            400,
            "Bad parameters (`data.field` names a bad `hints` or `vividness`), an image_url "
            "that is not http(s) (data.state -3), or an invalid image (data.state -7, or -5 "
            "when too large). Nothing is charged.",
            "task-error",
        ),
        *TASK_AUTH_REPLIES[:1],
        Reply(403, "The balance is short for this task.", "task-error"),
        Reply(
            409,
            "The Idempotency-Key was used for a different request, or its first "
            "request is still running.",
            "task-error",
        ),
        TASK_AUTH_REPLIES[1],
        Reply(502, "image_url could not be downloaded (data.state -3).", "task-error"),
        Reply(503, "The requested model is not installed on this server.", "task-error"),
    ),
    examples=(
        Example("Upload a file and poll", {"image_file": "@photo.jpg"}),
        Example(
            "Wait for the result, as a PNG link",
            {"image_file": "@photo.jpg", "sync": "1", "format": "png"},
        ),
        Example(
            "From a URL, with scratch repair, waiting for the image bytes",
            {
                "image_url": "https://example.com/old-photo.jpg",
                "sync": "1",
                "return_type": "3",
                "clean_scratches": "true",
                "output": "colorized.jpg",
            },
        ),
        Example(
            "Pin two colours (a blue coat, a red door) a little more vividly",
            {"image_file": "@photo.jpg", "sync": "1", "hints": _EXAMPLE_HINTS, "vividness": "70"},
        ),
        Example(
            "Safe to retry: an idempotency key",
            {"image_file": "@photo.jpg", "sync": "1", "Idempotency-Key": "order-1234-photo-1"},
        ),
    ),
    idempotent=True,
)

GET_TASK = Operation(
    operation_id="getColorizationTask",
    method="GET",
    path="/api/tasks/visual/colorization/{task_id}",
    dialect="task",
    summary="Get a colorization task",
    description=(
        "Poll until `data.state` is 1 (succeeded) or negative (failed; `message` says why "
        "and the credits were refunded). Each call returns a fresh signed result URL."
    ),
    params=(
        Param(
            "task_id",
            "The task_id from the create call.",
            location="path",
            required=True,
            example="TASK_ID",
        ),
        Param(
            "return_type",
            "How `data.image` carries a finished result: 1 signed URL, 2 base64.",
            kind="integer",
            location="query",
            choices=(1, 2),
            default=1,
        ),
    ),
    replies=(
        Reply(200, "The task with its state, progress and, once done, the image.", "task"),
        Reply(400, "Bad parameters.", "task-error"),
        TASK_AUTH_REPLIES[0],
        Reply(404, "No task with this id belongs to this key's account.", "task-error"),
        Reply(
            410,
            "The task succeeded but its result has expired and was deleted "
            "(results are kept for the retention period).",
            "task-error",
        ),
        TASK_AUTH_REPLIES[1],
    ),
    examples=(Example("Poll a task", {"task_id": "TASK_ID"}),),
)

COLORIZE = Operation(
    operation_id="colorize",
    method="POST",
    path="/api/v1/colorize",
    dialect="v1",
    summary="Colorize a photo and wait for it",
    description=(
        "Synchronous: answers with a time-limited URL of the result. The input format is "
        "detected from the bytes. Accepts an `Idempotency-Key` header like the task dialect."
    ),
    params=(
        Param(
            "image",
            "The photo: a file upload, or text: an http(s) URL, plain "
            f"base64, or a data URL. Formats: {V1_INPUT_LIMITS}.",
            kind="file-or-text",
            required=True,
            example="@photo.jpg",
        ),
        MODEL,
        CLEAN_SCRATCHES,
        FACE_REMASTER,
        Param(
            "format",
            "Output format of the result.",
            choices=("jpeg", "jpg", "png", "webp"),
            default="jpeg",
        ),
        CALLBACK_URL,
        HINTS,
        VIVIDNESS,
    ),
    replies=(
        Reply(200, "The result's absolute, time-limited URL.", "colorize"),
        Reply(
            400,
            "Invalid form (`field` names a bad `hints` or `vividness`), both a file and "
            "text, or an empty or invalid image. Nothing is charged.",
            "error",
        ),
        V1_AUTH_REPLIES[0],
        Reply(403, "The balance is short for this colorization.", "error"),
        Reply(
            409,
            "The Idempotency-Key was used for a different request, or its first "
            "request is still running.",
            "error",
        ),
        V1_AUTH_REPLIES[1],
        Reply(500, "The colorization itself failed; the credits were refunded.", "error"),
        Reply(502, "The image URL could not be downloaded.", "error"),
        Reply(503, "The requested model is not installed on this server.", "error"),
        Reply(
            504,
            "Not finished within the wait; `taskId` can be polled with the task dialect.",
            "error",
        ),
    ),
    examples=(
        Example("Upload a file", {"image": "@photo.jpg"}),
        Example(
            "From a URL with the tiny model",
            {"image": "https://example.com/old-photo.jpg", "model": "tiny"},
        ),
        Example(
            # curl's "<file" sends a file's content as a text field.
            "Base64 text (made with base64 -w0 photo.jpg > photo.b64), both add-ons",
            {"image": "<photo.b64", "clean_scratches": "true", "face_remaster": "true"},
        ),
        Example(
            "A colour pin, muted colours",
            {
                "image": "@photo.jpg",
                "hints": '[{"x": 40, "y": 200, "color": "#4f7a3a"}]',
                "vividness": "20",
            },
        ),
    ),
    idempotent=True,
)

GET_PALETTE = Operation(
    operation_id="getColorizationPalette",
    method="GET",
    path="/api/tasks/visual/colorization/{task_id}/palette",
    dialect="task",
    summary="Colours the model considers at a point",
    description=(
        "Extension: the model's most likely distinct colours at one point of a task's photo, "
        "best first, each with its probability, for building a colour picker; send the "
        "chosen colour back as a `hints` pin. `x` and `y` are in the photo's pixels as shown "
        "upright. Free (only the key's rate limit applies); works while the photo is stored."
    ),
    params=(
        Param(
            "task_id",
            "The task_id from the create call.",
            location="path",
            required=True,
            example="TASK_ID",
        ),
        Param(
            "x",
            "Pixels from the photo's left edge.",
            kind="number",
            location="query",
            required=True,
            example="60",
        ),
        Param(
            "y",
            "Pixels from the photo's top edge.",
            kind="number",
            location="query",
            required=True,
            example="60",
        ),
        Param(
            "count",
            "How many colours at most.",
            kind="integer",
            location="query",
            default=PALETTE_SIZE,
            bounds=(1, MAX_PALETTE_SIZE),
        ),
    ),
    replies=(
        Reply(200, "The colours, best first, with probabilities from 0 to 1.", "palette"),
        Reply(
            400,
            "x or y missing, not a number or outside the photo, a bad count, or a model "
            "that gives no alternatives (`data.field` names which).",
            "task-error",
        ),
        TASK_AUTH_REPLIES[0],
        Reply(
            404,
            "No task with this id belongs to this key's account, or its photo is no longer stored.",
            "task-error",
        ),
        TASK_AUTH_REPLIES[1],
        Reply(503, "The task's model is not installed on this server any more.", "task-error"),
    ),
    examples=(Example("Colours at a point", {"task_id": "TASK_ID", "x": "60", "y": "60"}),),
)

ACCOUNT = Operation(
    operation_id="getAccount",
    method="GET",
    path="/api/v1/account",
    dialect="v1",
    summary="Credits and key",
    description="The account's credit balance and the name of the key used.",
    replies=(
        Reply(200, "The balance and the key's name.", "account"),
        *V1_AUTH_REPLIES,
    ),
    examples=(Example("Check the balance"),),
)

# The calls integrations use (task list, cancel, batches) live in their own module,
# which builds on the definitions above: hence imported here, at the end.
from colorizer_site.api.operations_integrations import (  # noqa: E402
    CANCEL_TASK,
    CREATE_BATCH,
    GET_BATCH,
    LIST_TASKS,
)

OPERATIONS = (
    CREATE_TASK,
    GET_TASK,
    GET_PALETTE,
    COLORIZE,
    ACCOUNT,
    LIST_TASKS,
    CANCEL_TASK,
    CREATE_BATCH,
    GET_BATCH,
)
