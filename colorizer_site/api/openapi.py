"""Build the OpenAPI 3.1 document from the operation tables in `api.operations`."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from colorizer_site.api.operations import OPERATIONS, Operation, Param, Reply
from colorizer_site.jobs.guidance import MAX_HINTS
from colorizer_site.webhooks.models import Event

_FILE = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
_UNIX_SECONDS_OR_NULL = {"type": ["integer", "null"], "minimum": 0}

SCHEMAS: dict[str, Any] = {
    "TaskData": {
        "type": "object",
        "required": [
            "task_id",
            "state",
            "progress",
            "created_at",
            "processed_at",
            "completed_at",
            "image",
            "notes",
        ],
        "properties": {
            "task_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "state": {
                "type": "integer",
                "description": "1 succeeded, 0 queued, 2 or more processing; negative failed: "
                "-1 failed, -3 image_url download failed, -5 image too large, "
                "-7 invalid image file, -8 timed out, -9 cancelled.",
            },
            "progress": {"type": "integer", "minimum": 0, "maximum": 100},
            "created_at": {"type": "integer", "minimum": 0, "description": "Unix seconds"},
            "processed_at": {**_UNIX_SECONDS_OR_NULL, "description": "Unix seconds"},
            "completed_at": {**_UNIX_SECONDS_OR_NULL, "description": "Unix seconds"},
            "image": {
                "type": ["string", "null"],
                "description": "Once succeeded: a signed URL (return_type 1) or base64 "
                "(return_type 2); null before.",
            },
            "notes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Once succeeded: what the engine noticed, in sentences (e.g. "
                "that scratch repair found nothing to repair, and that its credit was refunded).",
            },
        },
    },
    "TaskEnvelope": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "integer", "const": 200},
            "message": {
                "type": "string",
                "description": '"success", or why the task failed when data.state is negative.',
            },
            "data": {"$ref": "#/components/schemas/TaskData"},
        },
    },
    "TaskError": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "integer", "description": "Equal to the HTTP status."},
            "message": {"type": "string"},
            "data": {
                "type": "object",
                "properties": {
                    "state": {"type": "integer", "description": "The failure's state code."},
                    "task_id": {"type": "string"},
                    "field": {"type": "string", "description": "The parameter refused."},
                },
            },
        },
    },
    "TaskItem": {
        "allOf": [{"$ref": "#/components/schemas/TaskData"}],
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {
                "type": "string",
                "description": '"success", or why the task failed when state is negative.',
            }
        },
    },
    "TaskList": {
        "type": "object",
        "required": ["tasks", "nextCursor"],
        "properties": {
            "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/TaskItem"}},
            "nextCursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` for the next page; null on the last page.",
            },
        },
    },
    "Batch": {
        "type": "object",
        "required": [
            "batch_id",
            "state",
            "total",
            "succeeded",
            "failed",
            "cost",
            "created_at",
            "completed_at",
            "zip",
            "tasks",
        ],
        "properties": {
            "batch_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "state": {"type": "string", "enum": ["processing", "completed"]},
            "total": {"type": "integer", "minimum": 0},
            "succeeded": {"type": "integer", "minimum": 0},
            "failed": {"type": "integer", "minimum": 0},
            "cost": {"type": "integer", "minimum": 0},
            "created_at": {"type": "integer", "minimum": 0},
            "completed_at": _UNIX_SECONDS_OR_NULL,
            "zip": {
                "type": ["string", "null"],
                "description": "Once completed: a signed link (valid 1 hour) to a ZIP of the "
                "results; null before.",
            },
            "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/TaskItem"}},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "taskId": {"type": "string", "description": "The task, where one was created."},
            "field": {"type": "string", "description": "The parameter that was refused."},
        },
    },
    "PaletteEnvelope": {
        "type": "object",
        "required": ["status", "message", "data"],
        "properties": {
            "status": {"type": "integer", "const": 200},
            "message": {"type": "string", "const": "success"},
            "data": {
                "type": "object",
                "required": ["task_id", "x", "y", "colors"],
                "properties": {
                    "task_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                    "x": {"type": "number"},
                    "y": {"type": "number"},
                    "colors": {
                        "type": "array",
                        "description": "Best first.",
                        "items": {
                            "type": "object",
                            "required": ["color", "probability"],
                            "properties": {
                                "color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
                                "probability": {"type": "number", "minimum": 0, "maximum": 1},
                            },
                        },
                    },
                },
            },
        },
    },
    "ColorizeResult": {
        "type": "object",
        "required": ["outputUrl"],
        "properties": {"outputUrl": {"type": "string", "format": "uri"}},
    },
    "Account": {
        "type": "object",
        "required": ["credits", "keyName", "keyPrefix"],
        "properties": {
            "credits": {"type": "integer", "minimum": 0},
            "keyName": {"type": "string"},
            "keyPrefix": {"type": "string"},
        },
    },
}

# What the `hints` text holds, for clients that read contentSchema.
HINTS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "maxItems": MAX_HINTS,
    "items": {
        "type": "object",
        "required": ["x", "y", "color"],
        "additionalProperties": False,
        "properties": {
            "x": {"type": "number", "minimum": 0},
            "y": {"type": "number", "minimum": 0},
            "color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        },
    },
}

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
}
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")

HEADERS: dict[str, Any] = {
    "X-Credits-Remaining": {
        "description": "The account's credit balance after this request.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Policy": {
        "description": "The key's rate limit (IETF draft-ietf-httpapi-ratelimit-headers): "
        'a quota of q requests refilled over w seconds, e.g. `"per-key";q=10;w=5`.',
        "required": False,
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": "What is left of that quota: r requests, whole again in t seconds, "
        'e.g. `"per-key";r=7;t=2`.',
        "required": False,
        "schema": {"type": "string"},
    },
    "X-Credits-Charged": {
        "description": "Credits this request took and kept: the job's cost, or 0 for a "
        "refusal, a replayed answer or a job that failed (refunded) within the call.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request with this key.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    },
}

IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string up to 255 characters: a retry with the same key and "
    "request replays the first response without charging again; the same key on another "
    "request is a 409. Kept 24 hours.",
    "schema": {"type": "string", "maxLength": 255},
}


def param_schema(param: Param) -> dict[str, Any]:
    if param.kind == "file":
        schema: dict[str, Any] = dict(_FILE)
    elif param.kind == "files":
        schema = {"type": "array", "items": dict(_FILE)}
    elif param.kind == "file-or-text":
        schema = {"anyOf": [dict(_FILE), {"type": "string", "minLength": 1}]}
    elif param.kind == "hints":
        schema = {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": HINTS_SCHEMA,
        }
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
        content.update({media_type: {"schema": dict(_FILE)} for media_type in _IMAGE_TYPES})
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
