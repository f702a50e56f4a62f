"""Build the OpenAPI 3.1 document from the operation tables in `api.spec`."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from colorizer_site.api.spec import OPERATIONS, Operation, Param, Reply
from colorizer_site.api.spec.schemas import (
    FILE_SCHEMA,
    HEADERS,
    HINTS_SCHEMA,
    IDEMPOTENCY_HEADER,
    SCHEMAS,
)
from colorizer_site.engine import formats
from colorizer_site.webhooks.models import Event

_BODY_SCHEMAS = {
    "task": "TaskEnvelope",
    "task-error": "TaskError",
    "error": "Error",
    "colorize": "ColorizeResult",
    "account": "Account",
    "task-list": "TaskList",
    "task-item": "TaskItem",
    "batch": "Batch",
    "palette": "PaletteEnvelope",
    "suggestions": "Suggestions",
    "task-facts": "TaskWithFacts",
    "album": "Album",
    "album-list": "AlbumList",
}
_IMAGE_TYPES = tuple(formats.OUTPUT_CONTENT_TYPES.values())


def param_schema(param: Param) -> dict[str, Any]:
    if param.kind == "file":
        schema: dict[str, Any] = dict(FILE_SCHEMA)
    elif param.kind == "files":
        schema = {"type": "array", "items": dict(FILE_SCHEMA)}
    elif param.kind == "file-or-text":
        schema = {"anyOf": [dict(FILE_SCHEMA), {"type": "string", "minLength": 1}]}
    elif param.kind == "hints":
        schema = {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": HINTS_SCHEMA,
        }
    elif param.kind == "list":
        schema = {"type": "array", "items": {"type": "string"}}
    elif param.kind in ("integer", "number"):
        schema = {"type": param.kind}
    else:
        schema = {"type": "string"}
    if param.choices:
        schema["enum"] = list(param.choices)
    if param.bounds:
        schema["minimum"], schema["maximum"] = param.bounds
    if param.default is not None:
        schema["default"] = param.default
    schema["description"] = param.description
    return schema


def _reply(operation: Operation, reply: Reply) -> dict[str, Any]:
    content: dict[str, Any] = {
        "application/json": {
            "schema": {"$ref": f"#/components/schemas/{_BODY_SCHEMAS[reply.body]}"}
        }
    }
    if reply.status == 200 and operation.operation_id == "createColorizationTask":
        content.update({media_type: {"schema": dict(FILE_SCHEMA)} for media_type in _IMAGE_TYPES})
    headers = {}
    if reply.status != 401:
        headers["X-Credits-Remaining"] = {"$ref": "#/components/headers/X-Credits-Remaining"}
        headers["RateLimit-Policy"] = {"$ref": "#/components/headers/RateLimit-Policy"}
        headers["RateLimit"] = {"$ref": "#/components/headers/RateLimit"}
    if operation.idempotent and reply.status not in (401, 429):
        headers["X-Credits-Charged"] = {"$ref": "#/components/headers/X-Credits-Charged"}
    if reply.rate_limited:
        headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
    described: dict[str, Any] = {"description": reply.description, "content": content}
    if headers:
        described["headers"] = headers
    return described


def _operation(operation: Operation) -> dict[str, Any]:
    described: dict[str, Any] = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": operation.description,
        "tags": ["Task dialect" if operation.dialect == "task" else "Colorize dialect (v1)"],
        "responses": {str(reply.status): _reply(operation, reply) for reply in operation.replies},
    }
    parameters = [
        {
            "name": param.name,
            "in": param.location,
            "required": param.required or param.location == "path",
            "description": param.description,
            "schema": {
                key: value for key, value in param_schema(param).items() if key != "description"
            },
        }
        for param in operation.params
        if param.location in ("path", "query")
    ]
    if operation.idempotent:
        parameters.append(IDEMPOTENCY_HEADER)
    if parameters:
        described["parameters"] = parameters
    body = [param for param in operation.params if param.location == "json"]
    if body:
        described["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {param.name: param_schema(param) for param in body},
                        "required": [param.name for param in body if param.required],
                    }
                }
            },
        }
    form = [param for param in operation.params if param.location == "form"]
    if form:
        described["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {param.name: param_schema(param) for param in form},
                        "required": [param.name for param in form if param.required],
                    }
                }
            },
        }
    return described


_WEBHOOK_HEADERS = (
    ("webhook-id", "The message id: the same on every retry; deduplicate on it."),
    ("webhook-timestamp", "Unix seconds of this attempt."),
    (
        "webhook-signature",
        "`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with the endpoint's secret "
        "(Standard Webhooks).",
    ),
)


def _webhook(event: Event) -> dict[str, Any]:
    data = "Batch" if event == Event.BATCH_COMPLETED else "TaskItem"
    return {
        "post": {
            "summary": event.label,
            # Deliveries are signed (the webhook-* headers), not sent with an API key.
            "security": [],
            "description": "Sent to the endpoints subscribed to it and to the request's "
            "`callback_url`, signed as Standard Webhooks specify. Answer with any 2xx; "
            "anything else is retried with backoff.",
            "parameters": [
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "description": description,
                    "schema": {"type": "string"},
                }
                for name, description in _WEBHOOK_HEADERS
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["type", "timestamp", "data"],
                            "properties": {
                                "type": {"type": "string", "const": event.value},
                                "timestamp": {"type": "string", "format": "date-time"},
                                "data": {"$ref": f"#/components/schemas/{data}"},
                            },
                        }
                    }
                },
            },
            "responses": {"200": {"description": "Received (any 2xx will do)."}},
        }
    }


def openapi_document(*, server_url: str = "") -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Colorizer API",
            "version": "1.0.0",
            "description": "Colorize black-and-white photos. Two dialects: the task dialect "
            "(PicWish-compatible: create a task, poll it) and the colorize dialect "
            "(one synchronous call). Authenticate with your key in the X-API-KEY header; "
            f"each key may make {settings.COLORIZER_RATE_LIMIT_PER_SECOND:g} requests a second "
            f"with bursts of {settings.COLORIZER_RATE_LIMIT_BURST}.",
        },
        "paths": paths,
        "webhooks": {event.value: _webhook(event) for event in Event},
        "components": {
            "schemas": SCHEMAS,
            "headers": HEADERS,
            "securitySchemes": {"ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-KEY"}},
        },
        "security": [{"ApiKey": []}],
    }
    if server_url:
        document["servers"] = [{"url": server_url.rstrip("/")}]
    return document
