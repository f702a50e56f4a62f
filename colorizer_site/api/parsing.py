"""Parsing the two dialects' requests into what `jobs.services` takes.

Choices and defaults come from the operation tables (`api.spec`), so the
parser accepts exactly what the OpenAPI document and the Docs page promise.
Every refusal is an ApiError with a sentence that says what to send instead.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

from colorizer_site.api import spec as operations
from colorizer_site.api.errors import ApiError
from colorizer_site.api.spec import Operation, Param
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.engine.hints import check_vividness, parse_hints
from colorizer_site.jobs.batches import PhotoSource, sources_from_zip, upload_reader
from colorizer_site.jobs.intake import Skipped
from colorizer_site.jobs.limits import Surface, limits_for
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.options import JobOptions, check_callback_url

State = ColorizationJob.State
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_BASE64_WHITESPACE = re.compile(r"\s+")
_OFFSET_AFTER_SPACE = re.compile(r"(?<=\d) (\d{2}:?\d{2})$")


@dataclass(frozen=True)
class ImageInput:
    """The photo as sent: its bytes, or the http(s) URL `jobs.services.submit_job_from_url`
    downloads (the one way into a job for URLs, pages and both dialects alike)."""

    data: bytes = b""
    filename: str = ""
    url: str = ""


@dataclass(frozen=True)
class TaskRequest:
    image: ImageInput
    options: JobOptions
    sync: bool
    return_type: int
    callback_url: str = ""


@dataclass(frozen=True)
class TaskListRequest:
    limit: int
    state: str | None
    created_after: datetime | None
    created_before: datetime | None
    # (created_at, id) of the last task of the previous page.
    after: tuple[datetime, int] | None


@dataclass(frozen=True)
class ColorizeRequest:
    image: ImageInput
    options: JobOptions
    callback_url: str = ""


def read_form(request: HttpRequest) -> tuple[QueryDict, MultiValueDict]:
    """request.POST and request.FILES, or a 400 when the body cannot be parsed."""
    try:
        return request.POST, request.FILES
    except (MultiPartParserError, UnreadablePostError) as error:
        raise ApiError(400, f"The request body is not a valid multipart form: {error}") from error
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as error:
        raise ApiError(
            400, f"The request body is too large or has too many fields: {error}"
        ) from error


def parse_create_task(request: HttpRequest) -> TaskRequest:
    fields, files = read_form(request)
    operation = operations.CREATE_TASK
    values = _clean_all(operation, fields)
    sync = values["sync"] == 1
    if values["return_type"] == 3 and not sync:
        raise ApiError(
            400,
            "return_type=3 (the image bytes as the response) needs sync=1; "
            "use return_type 1 or 2 to poll for the result.",
        )
    if "image_file" in fields:
        raise ApiError(400, "image_file must be a file upload, not a text field.")
    upload = files.get("image_file")
    url = (fields.get("image_url") or "").strip()
    if upload is not None and url:
        raise ApiError(400, "Send exactly one of image_file or image_url, not both.")
    if upload is None and not url:
        raise ApiError(400, "Send the photo as image_file (a file upload) or image_url.")
    options = _job_options(values, fields)
    callback_url = _callback_url(fields)
    if upload is not None:
        image = _read_upload(upload, limit=limits_for(Surface.TASKS).max_bytes)
    else:
        image = ImageInput(url=url)
    return TaskRequest(
        image=image,
        options=options,
        sync=sync,
        return_type=values["return_type"],
        callback_url=callback_url,
    )


def parse_get_task(request: HttpRequest) -> int:
    """The return_type of a task poll."""
    return _clean_all(operations.GET_TASK, request.GET)["return_type"]


def parse_colorize(request: HttpRequest) -> ColorizeRequest:
    fields, files = read_form(request)
    values = _clean_all(operations.COLORIZE, fields)
    upload = files.get("image")
    text = (fields.get("image") or "").strip()
    if upload is not None and "image" in fields:
        raise ApiError(400, "Send image either as a file or as text, not both.")
    if upload is None and not text:
        raise ApiError(
            400, "Send the photo in the image field: a file, an http(s) URL, base64 or a data URL."
        )
    options = _job_options(values, fields)
    callback_url = _callback_url(fields)
    if upload is not None:
        image = _read_upload(upload, limit=operations.V1_FILE_LIMIT_BYTES)
    else:
        image = _image_from_text(text)
    return ColorizeRequest(image=image, options=options, callback_url=callback_url)


@dataclass(frozen=True)
class BatchRequest:
    photos: list[PhotoSource]
    skipped: list[Skipped]
    options: JobOptions
    callback_url: str = ""


def parse_create_batch(request: HttpRequest) -> BatchRequest:
    fields, files = read_form(request)
    values = _clean_all(operations.CREATE_BATCH, fields)
    uploads = files.getlist("images")
    archive = files.get("archive")
    if "images" in fields or "archive" in fields:
        raise ApiError(400, "images and archive must be file uploads, not text fields.")
    if uploads and archive is not None:
        raise ApiError(400, "Send the photos as images or as one archive, not both.")
    if not uploads and archive is None:
        raise ApiError(400, "Send the photos as images (repeat the field) or as a ZIP archive.")
    options = _job_options(values)
    callback_url = _callback_url(fields)
    if archive is not None:
        photos, skipped = sources_from_zip(archive, archive_name=archive.name or "The archive")
    else:
        # Files sent one by one are all meant as photos: the engine judges each by its bytes.
        photos = [
            PhotoSource(
                _CONTROL_CHARACTERS.sub("", upload.name or ""),
                upload.size or 0,
                upload_reader(upload),
            )
            for upload in uploads
        ]
        skipped = []
    return BatchRequest(photos=photos, skipped=skipped, options=options, callback_url=callback_url)


def parse_list_tasks(request: HttpRequest) -> TaskListRequest:
    # A query parameter given empty is a mistake in the caller's URL, not a wish for the
    # default: the document types each one, and an empty value fits none of those types.
    for param in operations.LIST_TASKS.params:
        if param.name in request.GET and not request.GET[param.name].strip():
            raise ApiError(400, f"{param.name} is empty; leave it out for the default.")
    values = _clean_all(operations.LIST_TASKS, request.GET)
    # Absent means the default; present but empty is as wrong as any other non-number.
    raw_limit = request.GET.get("limit", str(operations.TASK_PAGE_DEFAULT)).strip()
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= operations.TASK_PAGE_MAX:
        raise ApiError(400, f"limit must be a whole number from 1 to {operations.TASK_PAGE_MAX}.")
    return TaskListRequest(
        limit=int(raw_limit),
        state=values["state"],
        created_after=_moment(request.GET, "created_after"),
        created_before=_moment(request.GET, "created_before"),
        after=_cursor_position((request.GET.get("cursor") or "").strip()),
    )


def task_cursor(job: ColorizationJob) -> str:
    """The opaque cursor of the page after `job`: its creation time and row id."""
    position = f"{job.created_at.isoformat()}|{job.id}".encode()
    return base64.urlsafe_b64encode(position).decode().rstrip("=")


def _cursor_position(cursor: str) -> tuple[datetime, int] | None:
    if not cursor:
        return None
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _, row_id = decoded.partition("|")
        position = (datetime.fromisoformat(moment), int(row_id))
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise ApiError(
            400, "cursor is not one this API gave out; pass nextCursor from a previous page."
        ) from error
    if position[0].tzinfo is None:
        raise ApiError(400, "cursor is not one this API gave out.")
    return position


def _moment(source: QueryDict, name: str) -> datetime | None:
    """An ISO 8601 date or date-time (UTC unless it names an offset), or a 400."""
    raw = (source.get(name) or "").strip()
    if not raw:
        return None
    try:
        # A "+" in a query string arrives as a space: put the offset's sign back.
        moment = datetime.fromisoformat(_OFFSET_AFTER_SPACE.sub(r"+\1", raw.replace("Z", "+00:00")))
    except ValueError as error:
        raise ApiError(
            400, f"{name} must be an ISO 8601 date or date-time, e.g. 2026-01-31T12:00:00Z."
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _callback_url(fields: QueryDict) -> str:
    """The optional callback_url, checked before any image is downloaded."""
    url = (fields.get("callback_url") or "").strip()
    check_callback_url(url)
    return url


def _clean_all(operation: Operation, source: QueryDict) -> dict[str, Any]:
    """Every parameter with a fixed set of choices, checked and typed."""
    return {
        param.name: _clean(param, source.get(param.name))
        for param in operation.params
        if param.choices
    }


def _clean(param: Param, raw: str | None) -> Any:
    """One field's value, its default when absent or empty, or a 400 naming the choices."""
    value = (raw or "").strip()
    if not value:
        return _typed(param, param.default)
    allowed = [str(choice) for choice in param.choices]
    if value.lower() in allowed:
        return _typed(param, value.lower())
    raise ApiError(400, f"{param.name} must be one of {', '.join(allowed)} (got {value[:40]!r}).")


def _typed(param: Param, value: str | int | None) -> Any:
    if param.kind == "integer":
        return int(value) if value is not None else None
    if param.kind == "flag":
        return str(value).lower() in {"true", "1"}
    return value


def _job_options(values: dict[str, Any], fields: QueryDict | None = None) -> JobOptions:
    """The job's options; hints and vividness raise the engine's InvalidOptions naming them.
    Without `fields` (a batch: pins belong to one photo) neither is read."""
    return JobOptions(
        model=values["model"],
        clean_scratches=values["clean_scratches"],
        face_remaster=values["face_remaster"],
        output_format=values["format"],
        hints=parse_hints(fields.get("hints")) if fields is not None else (),
        vividness=parse_vividness(fields.get("vividness")) if fields is not None else None,
        mode=values["mode"],
    )


def parse_vividness(raw: str | None) -> int | None:
    """A whole number in the vividness range, None when absent or empty."""
    value = (raw or "").strip()
    if not value:
        return None
    try:
        vividness = int(value)
    except ValueError:
        vividness = -1  # check_vividness says what is allowed
    check_vividness(vividness)
    return vividness


def parse_point(request: HttpRequest) -> tuple[float, float, int]:
    """x, y (numbers, pixels) and count of a palette request."""
    values = []
    for name in ("x", "y"):
        raw = (request.GET.get(name) or "").strip()
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise InvalidOptions(
                f"{name} must be a number of pixels, not {raw[:40]!r}.", field=name
            )
        values.append(number)
    count = _bounded(operations.GET_PALETTE.param("count"), request.GET.get("count"))
    return values[0], values[1], count


def parse_suggestions(request: HttpRequest) -> int:
    """The count of a suggestions request."""
    return _bounded(operations.GET_SUGGESTIONS.param("count"), request.GET.get("count"))


def _bounded(param: Param, raw: str | None) -> int:
    """A whole number within the parameter's bounds, its default when absent or empty."""
    value = (raw or "").strip()
    low, high = param.bounds or (1, 1)
    if not value:
        return int(param.default or low)
    if not value.isdigit() or not low <= int(value) <= high:
        raise InvalidOptions(
            f"{param.name} must be a whole number from {low} to {high}.", field=param.name
        )
    return int(value)


def _read_upload(upload: UploadedFile, *, limit: int) -> ImageInput:
    if upload.size is not None and upload.size > limit:
        raise ApiError(
            400,
            f"The file is larger than the {limit // (1024 * 1024)} MB limit.",
            state=State.IMAGE_TOO_LARGE,
        )
    data = upload.read()
    if not data:
        raise ApiError(400, "The uploaded image file is empty.", state=State.INVALID_IMAGE)
    name = _CONTROL_CHARACTERS.sub("", upload.name or "")
    return ImageInput(data=data, filename=name)


def _image_from_text(text: str) -> ImageInput:
    if text[:8].lower().startswith(("http://", "https://")):
        return ImageInput(url=text)
    if text[:5].lower() == "data:":
        header, comma, payload = text.partition(",")
        if not comma or not header.lower().endswith(";base64"):
            raise ApiError(
                400, "A data URL image must be base64-encoded (data:image/...;base64,...)."
            )
        data = _decode_base64(payload, what="The data URL's content")
    else:
        data = _decode_base64(text, what="The image text")
    if not data:
        raise ApiError(400, "The image is empty.", state=State.INVALID_IMAGE)
    return ImageInput(data=data)


def _decode_base64(text: str, *, what: str) -> bytes:
    compact = _BASE64_WHITESPACE.sub("", text)
    # Senders often drop the padding or use the URL-safe alphabet; both are unambiguous.
    compact += "=" * (-len(compact) % 4)
    altchars = b"-_" if ("-" in compact or "_" in compact) else None
    try:
        return base64.b64decode(compact, altchars=altchars, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ApiError(
            400,
            f"{what} is not valid base64; send an http(s) URL, base64, a data URL or a file.",
            state=State.INVALID_IMAGE,
        ) from error
