"""The task dialect's operations (PicWish-compatible): create, poll, palette."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from colorizer_site.api.spec.albums import FACT_PARAMS
from colorizer_site.api.spec.params import (
    CALLBACK_URL,
    CLEAN_SCRATCHES,
    EXAMPLE_HINTS,
    FACE_REMASTER,
    HINTS,
    INPUT_LIMITS,
    MODE,
    MODEL,
    NO_SUCH_TASK,
    OUTPUT_FORMAT,
    TASK_AUTH_REPLIES,
    VIVIDNESS,
    Example,
    Operation,
    Param,
    Reply,
)
from colorizer_site.jobs.adjustments import MAX_PALETTE_SIZE, PALETTE_SIZE

CREATE_TASK = Operation(
    operation_id="createColorizationTask",
    method="POST",
    path="/api/tasks/visual/colorization",
    dialect="task",
    summary=_("Create a colorization task"),
    description=(
        _(
            "Send exactly one of `image_file` or `image_url`. Credits are charged when the task "
            "is accepted and refunded if it fails. With `sync=1` the call waits for the result "
            "(up to the server's sync wait, 60 s by default) and returns the task in progress "
            "if it is not done by then. Accepts an `Idempotency-Key` header: a retry with the "
            "same key and the same request replays the first response and charges nothing."
        )
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
            _(
                "Or: an http(s) URL the server downloads the photo from (same limits; "
                "private and loopback addresses are refused)."
            ),
        ),
        Param(
            "sync",
            _("1 waits for the result; 0 returns the task at once for polling."),
            kind="integer",
            choices=(0, 1),
            default=0,
        ),
        OUTPUT_FORMAT,
        Param(
            "return_type",
            _(
                "How `data.image` carries the result: 1 signed URL (valid 1 hour), 2 base64, "
                "3 the image bytes as the whole response body (only with sync=1)."
            ),
            kind="integer",
            choices=(1, 2, 3),
            default=1,
        ),
        MODE,
        MODEL,
        CLEAN_SCRATCHES,
        FACE_REMASTER,
        CALLBACK_URL,
        HINTS,
        VIVIDNESS,
        *FACT_PARAMS,
    ),
    replies=(
        Reply(
            200,
            _(
                "The task: finished with sync=1 (state 1, or negative if it failed), otherwise "
                "queued or processing. With return_type=3 and a finished task, the image itself."
            ),
            "task",
        ),
        Reply(
            400,
            _(
                "Bad parameters (`data.field` names a bad `hints` or `vividness`), an image_url "
                "that is not http(s) or that leads (itself or by a redirect) to a private, "
                "loopback or other refused address (data.state -3), or an invalid image "
                "(data.state -7, or -5 when too large). Nothing is charged."
            ),
            "task-error",
        ),
        *TASK_AUTH_REPLIES[:1],
        Reply(403, _("The balance is short for this task."), "task-error"),
        Reply(
            409,
            _(
                "The Idempotency-Key was used for a different request, or its first "
                "request is still running."
            ),
            "task-error",
        ),
        TASK_AUTH_REPLIES[1],
        Reply(
            502,
            _(
                "image_url could not be downloaded: the server there failed, timed out or "
                "sent too much (data.state -3)."
            ),
            "task-error",
        ),
        Reply(503, _("The requested model is not installed on this server."), "task-error"),
    ),
    examples=(
        Example(_("Upload a file and poll"), {"image_file": "@photo.jpg"}),
        Example(
            _("Wait for the result, as a PNG link"),
            {"image_file": "@photo.jpg", "sync": "1", "format": "png"},
        ),
        Example(
            _("From a URL, with scratch repair, waiting for the image bytes"),
            {
                "image_url": "https://example.com/old-photo.jpg",
                "sync": "1",
                "return_type": "3",
                "clean_scratches": "true",
                "output": "colorized.jpg",
            },
        ),
        Example(
            _("Pin two colours (a blue coat, a red door) a little more vividly"),
            {"image_file": "@photo.jpg", "sync": "1", "hints": EXAMPLE_HINTS, "vividness": "70"},
        ),
        Example(
            _("Restore a faded colour print (keeps its colours)"),
            {"image_file": "@photo.jpg", "sync": "1", "mode": "restore"},
        ),
        Example(
            _("Safe to retry: an idempotency key"),
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
    summary=_("Get a colorization task"),
    description=(
        _(
            "Poll until `data.state` is 1 (succeeded) or negative (failed; `message` says why "
            "and the credits were refunded). Each call returns a fresh signed result URL."
        )
    ),
    params=(
        Param(
            "task_id",
            _("The task_id from the create call."),
            location="path",
            required=True,
            example="TASK_ID",
        ),
        Param(
            "return_type",
            _("How `data.image` carries a finished result: 1 signed URL, 2 base64."),
            kind="integer",
            location="query",
            choices=(1, 2),
            default=1,
        ),
    ),
    replies=(
        Reply(200, _("The task with its state, progress and, once done, the image."), "task"),
        Reply(400, _("Bad parameters."), "task-error"),
        TASK_AUTH_REPLIES[0],
        Reply(404, _("No task with this id belongs to this key's account."), "task-error"),
        Reply(
            410,
            _(
                "The task succeeded but its result has expired and was deleted "
                "(results are kept for the retention period)."
            ),
            "task-error",
        ),
        TASK_AUTH_REPLIES[1],
    ),
    examples=(Example(_("Poll a task"), {"task_id": "TASK_ID"}),),
)

GET_PALETTE = Operation(
    operation_id="getColorizationPalette",
    method="GET",
    path="/api/tasks/visual/colorization/{task_id}/palette",
    dialect="task",
    summary=_("Colours the model considers at a point"),
    description=(
        _(
            "Extension: the model's most likely distinct colours at one point of a task's photo, "
            "best first, each with its probability, for building a colour picker; send the "
            "chosen colour back as a `hints` pin. `x` and `y` are in the photo's pixels as shown "
            "upright. Free (only the key's rate limit applies); works while the photo is stored."
        )
    ),
    params=(
        Param(
            "task_id",
            _("The task_id from the create call."),
            location="path",
            required=True,
            example="TASK_ID",
        ),
        Param(
            "x",
            _("Pixels from the photo's left edge."),
            kind="number",
            location="query",
            required=True,
            example="60",
        ),
        Param(
            "y",
            _("Pixels from the photo's top edge."),
            kind="number",
            location="query",
            required=True,
            example="60",
        ),
        Param(
            "count",
            _("How many colours at most."),
            kind="integer",
            location="query",
            default=PALETTE_SIZE,
            bounds=(1, MAX_PALETTE_SIZE),
        ),
    ),
    replies=(
        Reply(200, _("The colours, best first, with probabilities from 0 to 1."), "palette"),
        Reply(
            400,
            _(
                "x or y missing, not a number or outside the photo, a bad count, or a model "
                "that gives no alternatives (`data.field` names which)."
            ),
            "task-error",
        ),
        TASK_AUTH_REPLIES[0],
        Reply(
            404,
            NO_SUCH_TASK,
            "task-error",
        ),
        TASK_AUTH_REPLIES[1],
        Reply(503, _("The task's model is not installed on this server any more."), "task-error"),
    ),
    examples=(Example(_("Colours at a point"), {"task_id": "TASK_ID", "x": "60", "y": "60"}),),
)
