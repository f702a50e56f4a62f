"""The colorize dialect's operations (`/api/v1`): colorize and account."""

from __future__ import annotations

from django.utils.translation import gettext_noop as _

from colorizer_site.api.spec.albums import FACT_PARAMS
from colorizer_site.api.spec.params import (
    CALLBACK_URL,
    CLEAN_SCRATCHES,
    FACE_REMASTER,
    HINTS,
    MODE,
    MODEL,
    OUTPUT_FORMAT,
    V1_AUTH_REPLIES,
    V1_INPUT_LIMITS,
    VIVIDNESS,
    Example,
    Operation,
    Param,
    Reply,
)

COLORIZE = Operation(
    operation_id="colorize",
    method="POST",
    path="/api/v1/colorize",
    dialect="v1",
    summary=_("Colorize a photo and wait for it"),
    description=(
        _(
            "Synchronous: answers with a time-limited URL of the result. The input format is "
            "detected from the bytes. Accepts an `Idempotency-Key` header like the task dialect."
        )
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
        MODE,
        MODEL,
        CLEAN_SCRATCHES,
        FACE_REMASTER,
        OUTPUT_FORMAT,
        CALLBACK_URL,
        HINTS,
        VIVIDNESS,
        *FACT_PARAMS,
    ),
    replies=(
        Reply(
            200,
            _(
                "The result's absolute, time-limited URL, the mode it was made in and the "
                "photo kind the detector saw (a colour photo sent to colorize is colorized; "
                "`photoKind` says it had colour)."
            ),
            "colorize",
        ),
        Reply(
            400,
            _(
                "Invalid form (`field` names a bad `hints` or `vividness`), both a file and "
                "text, an empty or invalid image, or an image URL that is not http(s) or leads "
                "(itself or by a redirect) to a refused address. Nothing is charged."
            ),
            "error",
        ),
        V1_AUTH_REPLIES[0],
        Reply(403, _("The balance is short for this colorization."), "error"),
        Reply(
            409,
            _(
                "The Idempotency-Key was used for a different request, or its first "
                "request is still running."
            ),
            "error",
        ),
        V1_AUTH_REPLIES[1],
        Reply(500, _("The colorization itself failed; the credits were refunded."), "error"),
        Reply(
            502,
            _(
                "The image URL could not be downloaded: the server there failed, timed out "
                "or sent too much."
            ),
            "error",
        ),
        Reply(503, _("The requested model is not installed on this server."), "error"),
        Reply(
            504,
            _("Not finished within the wait; `taskId` can be polled with the task dialect."),
            "error",
        ),
    ),
    examples=(
        Example(_("Upload a file"), {"image": "@photo.jpg"}),
        Example(_("Restore a faded colour print"), {"image": "@photo.jpg", "mode": "restore"}),
        Example(
            _("From a URL with the tiny model"),
            {"image": "https://example.com/old-photo.jpg", "model": "tiny"},
        ),
        Example(
            # curl's "<file" sends a file's content as a text field.
            _("Base64 text (made with base64 -w0 photo.jpg > photo.b64), both add-ons"),
            {"image": "<photo.b64", "clean_scratches": "true", "face_remaster": "true"},
        ),
        Example(
            _("A colour pin, muted colours"),
            {
                "image": "@photo.jpg",
                "hints": '[{"x": 40, "y": 200, "color": "#4f7a3a"}]',
                "vividness": "20",
            },
        ),
    ),
    idempotent=True,
)

ACCOUNT = Operation(
    operation_id="getAccount",
    method="GET",
    path="/api/v1/account",
    dialect="v1",
    summary=_("Credits and key"),
    description=_("The account's credit balance and the name of the key used."),
    replies=(
        Reply(200, _("The balance and the key's name."), "account"),
        *V1_AUTH_REPLIES,
    ),
    examples=(Example(_("Check the balance")),),
)
