"""Parsing the two dialects' requests into what `jobs.services` takes.

Choices and defaults come from the operation tables (`api.operations`), so the
parser accepts exactly what the OpenAPI document and the Docs page promise.
Every refusal is an ApiError with a sentence that says what to send instead.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict

from colorizer_site.api import operations
from colorizer_site.api.errors import ApiError
from colorizer_site.api.operations import Operation, Param
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.jobs.fetching import fetch_image
from colorizer_site.jobs.guidance import check_vividness, parse_hints
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.services import JobOptions

State = ColorizationJob.State
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_BASE64_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ImageInput:
    data: bytes
    filename: str = ""
    source_url: str = ""


@dataclass(frozen=True)
class TaskRequest:
    image: ImageInput
    options: JobOptions
    sync: bool
    return_type: int


@dataclass(frozen=True)
class ColorizeRequest:
    image: ImageInput
    options: JobOptions


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
    if upload is not None:
        image = _read_upload(upload, limit=settings.COLORIZER_MAX_UPLOAD_BYTES)
    else:
        image = ImageInput(data=fetch_image(url), source_url=url)
    return TaskRequest(image=image, options=options, sync=sync, return_type=values["return_type"])


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
    if upload is not None:
        image = _read_upload(upload, limit=operations.V1_FILE_LIMIT_BYTES)
    else:
        image = _image_from_text(text)
    return ColorizeRequest(image=image, options=options)


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


def _job_options(values: dict[str, Any], fields: QueryDict) -> JobOptions:
    """The job's options; hints and vividness raise the engine's InvalidOptions naming them."""
    return JobOptions(
        model=values["model"],
        clean_scratches=values["clean_scratches"],
        face_remaster=values["face_remaster"],
        output_format=values["format"],
        hints=parse_hints(fields.get("hints")),
        vividness=parse_vividness(fields.get("vividness")),
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
    param = operations.GET_PALETTE.param("count")
    raw_count = (request.GET.get("count") or "").strip()
    low, high = param.bounds or (1, 1)
    if not raw_count:
        return values[0], values[1], int(param.default or low)
    if not raw_count.isdigit() or not low <= int(raw_count) <= high:
        raise InvalidOptions(f"count must be a whole number from {low} to {high}.", field="count")
    return values[0], values[1], int(raw_count)


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
        return ImageInput(data=fetch_image(text), source_url=text)
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
