"""The API's operations for integrations: the task list, cancelling, suggested pins, batches."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_noop as _

from colorizer_site.api.spec.params import (
    BATCH_INPUT_LIMITS,
    CLEAN_SCRATCHES,
    FACE_REMASTER,
    MODE,
    MODEL,
    NO_SUCH_TASK,
    OUTPUT_FORMAT_CHOICES,
    TASK_PAGE_DEFAULT,
    TASK_PAGE_MAX,
    TASK_STATE_FILTERS,
    V1_AUTH_REPLIES,
    Example,
    Operation,
    Param,
    Reply,
)
from colorizer_site.jobs.adjustments import MAX_SUGGESTIONS, SUGGESTION_COUNT
from colorizer_site.jobs.options import DEFAULT_OUTPUT_FORMAT

TASK_ID_PARAM = Param(
    "task_id",
    _("The task_id from the create call."),
    location="path",
    required=True,
    example="TASK_ID",
)

LIST_TASKS = Operation(
    operation_id="listTasks",
    method="GET",
    path="/api/v1/tasks",
    dialect="v1",
    summary=_("List your tasks"),
    description=(
        _(
            "The account's tasks from both dialects, newest first, as the task dialect's `data` "
            "objects plus `message`. Pass `nextCursor` back as `cursor` for the next page; it is "
            "null on the last one. Cursors stay valid while tasks are added."
        )
    ),
    params=(
        Param(
            "limit",
            f"Tasks per page, 1 to {TASK_PAGE_MAX}.",
            kind="integer",
            location="query",
            default=TASK_PAGE_DEFAULT,
        ),
        Param("cursor", _("`nextCursor` of the previous page."), location="query"),
        Param(
            "state",
            _("Only tasks in this state (failed: every negative state except cancelled)."),
            location="query",
            choices=TASK_STATE_FILTERS,
        ),
        Param(
            "created_after",
            _("Only tasks created at or after this ISO 8601 date or date-time (UTC by default)."),
            location="query",
            example="2026-01-01T00:00:00Z",
        ),
        Param(
            "created_before",
            _("Only tasks created before this ISO 8601 date or date-time."),
            location="query",
        ),
    ),
    replies=(
        Reply(200, _("A page of tasks and the cursor of the next."), "task-list"),
        Reply(400, _("A bad limit, cursor, state or date."), "error"),
        *V1_AUTH_REPLIES,
    ),
    examples=(
        Example(_("The newest tasks")),
        Example(
            _("Failed tasks since New Year, 50 a page"),
            {"state": "failed", "limit": "50", "created_after": "2026-01-01"},
        ),
    ),
)

CANCEL_TASK = Operation(
    operation_id="cancelTask",
    method="POST",
    path="/api/v1/tasks/{task_id}/cancel",
    dialect="v1",
    summary=_("Cancel a task"),
    description=(
        _(
            "A queued task ends at once (state -9) and its credits are refunded: 200. A task "
            "being processed stops at the worker's next progress report, then ends -9 and is "
            "refunded: 202 with the task as it is now. A finished task cannot be cancelled: 409."
        )
    ),
    params=(TASK_ID_PARAM,),
    replies=(
        Reply(200, _("Cancelled and refunded."), "task-item"),
        Reply(202, _("Being processed; it stops at the next progress report."), "task-item"),
        V1_AUTH_REPLIES[0],
        Reply(404, _("No task with this id belongs to this key's account."), "error"),
        Reply(409, _("The task has already finished."), "error"),
        V1_AUTH_REPLIES[1],
    ),
    examples=(Example(_("Cancel a task"), {"task_id": "TASK_ID"}),),
)

GET_SUGGESTIONS = Operation(
    operation_id="getSuggestions",
    method="GET",
    path="/api/v1/tasks/{task_id}/suggestions",
    dialect="v1",
    summary=_("Where one colour pin would help most"),
    description=(
        _(
            "The regions of a task's photo where the model is least sure of the colour, weighed "
            "by their size, best first: for each, the point to pin (`x`, `y`, in the photo's "
            "pixels as shown upright), the region's `outline` (a polygon of [x, y] points), its "
            "`area` (share of the photo, 0 to 1), the model's calibrated `confidence` there (0 to "
            "1) and its `alternatives`, the likeliest colours, best first. Send a chosen colour "
            "back as a `hints` pin at `x`, `y`: the pin colours that region up to its edges. "
            "Free (only the key's rate limit applies); works while the photo is stored, for the "
            "models that give alternatives (tiny and large)."
        )
    ),
    params=(
        TASK_ID_PARAM,
        Param(
            "count",
            _("How many regions at most."),
            kind="integer",
            location="query",
            default=SUGGESTION_COUNT,
            bounds=(1, MAX_SUGGESTIONS),
        ),
    ),
    replies=(
        Reply(200, _("The suggested regions, best first (possibly none)."), "suggestions"),
        Reply(
            400,
            _("A bad count, or a model that gives no alternatives (`field` names which)."),
            "error",
        ),
        V1_AUTH_REPLIES[0],
        Reply(
            404,
            NO_SUCH_TASK,
            "error",
        ),
        V1_AUTH_REPLIES[1],
        Reply(503, _("The task's model is not installed on this server any more."), "error"),
    ),
    examples=(Example(_("Three suggestions for a task"), {"task_id": "TASK_ID"}),),
)

CREATE_BATCH = Operation(
    operation_id="createBatch",
    method="POST",
    path="/api/v1/batches",
    dialect="v1",
    summary=_("Colorize several photos as a batch"),
    description=(
        "Send the photos as repeated `images` file fields or as one ZIP `archive`. Every "
        "photo is checked first, then the whole batch is charged at once (each photo's "
        "price) or not at all. The batch runs in the background: poll `GET /api/v1/batches/"
        "{batch_id}`, or pass `callback_url` for a `batch.completed` event. Accepts an "
        "`Idempotency-Key` header. "
        f"At most {settings.COLORIZER_BATCH_MAX_PHOTOS} photos and "
        f"{filesizeformat(settings.COLORIZER_BATCH_MAX_BYTES)} in all per batch."
    ),
    params=(
        Param(
            "images",
            f"The photos, as file uploads (repeat the field): {BATCH_INPUT_LIMITS} each.",
            kind="files",
            example="@photo.jpg",
        ),
        Param(
            "archive",
            _(
                "Or: one ZIP file of photos (folders are fine; hidden files are passed over, "
                "other files that are not photos are listed in `skipped`)."
            ),
            kind="file",
        ),
        MODE,
        MODEL,
        CLEAN_SCRATCHES,
        FACE_REMASTER,
        Param(
            "format",
            _("Output format of the results."),
            choices=OUTPUT_FORMAT_CHOICES,
            default=DEFAULT_OUTPUT_FORMAT,
        ),
        Param(
            "callback_url",
            _(
                "Optional: an http(s) URL that receives the `batch.completed` event once every "
                "photo has ended, signed with your callback secret from the Webhooks page."
            ),
        ),
    ),
    replies=(
        Reply(201, _("The batch, charged and queued."), "batch"),
        Reply(400, _("Bad form, no photos, too many, or an invalid photo (named)."), "error"),
        V1_AUTH_REPLIES[0],
        Reply(403, _("The balance is short for the whole batch; nothing was charged."), "error"),
        Reply(
            409,
            _(
                "The Idempotency-Key was used for a different request, or its first "
                "request is still running."
            ),
            "error",
        ),
        V1_AUTH_REPLIES[1],
        Reply(503, _("The requested model is not installed on this server."), "error"),
    ),
    examples=(Example(_("Two photos, tiny model"), {"images": "@photo.jpg", "model": "tiny"}),),
    idempotent=True,
)

GET_BATCH = Operation(
    operation_id="getBatch",
    method="GET",
    path="/api/v1/batches/{batch_id}",
    dialect="v1",
    summary=_("Get a batch"),
    description=(
        _(
            "The batch's state (processing, then completed once every task has ended), counts, "
            "its tasks, and once completed `zip`: a signed, expiring link to a ZIP of the results."
        )
    ),
    params=(
        Param(
            "batch_id",
            _("The batch_id from the create call."),
            location="path",
            required=True,
            example="BATCH_ID",
        ),
    ),
    replies=(
        Reply(200, _("The batch."), "batch"),
        V1_AUTH_REPLIES[0],
        Reply(404, _("No batch with this id belongs to this key's account."), "error"),
        V1_AUTH_REPLIES[1],
    ),
    examples=(Example(_("Poll a batch"), {"batch_id": "BATCH_ID"}),),
)
