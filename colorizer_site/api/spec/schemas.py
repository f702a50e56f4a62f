"""The OpenAPI document's reusable parts: the bodies' schemas and the response headers."""

from __future__ import annotations

from typing import Any

from colorizer_site.engine.hints import MAX_HINTS
from colorizer_site.engine.photo_kind import KINDS as PHOTO_KINDS
from colorizer_site.engine.types import MODES

FILE_SCHEMA = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
_UNIX_SECONDS_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
_PHOTO_KIND = {
    "type": ["string", "null"],
    "enum": [*PHOTO_KINDS, None],
    "description": "What the photo was when it arrived: bw (black and white), toned "
    "(sepia, selenium, cyanotype), faded (faded colour) or colour (colour in good "
    "condition); null until the task has run.",
}

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
            "mode",
            "photo_kind",
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
            "mode": {"type": "string", "enum": list(MODES)},
            "photo_kind": _PHOTO_KIND,
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
    # Both parts as allOf members: generators drop properties written beside an allOf.
    "TaskItem": {
        "allOf": [
            {"$ref": "#/components/schemas/TaskData"},
            {
                "type": "object",
                "required": ["message"],
                "properties": {
                    "message": {
                        "type": "string",
                        "description": '"success", or why the task failed when state is negative.',
                    }
                },
            },
        ],
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
            "skipped": {
                "type": "array",
                "description": "Files of the archive that are not photos, with the reason.",
                "items": {
                    "type": "object",
                    "required": ["name", "reason"],
                    "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                },
            },
        },
    },
    "Facts": {
        "type": "object",
        "description": "A photo's caption and facts; empty strings when unknown.",
        "required": ["title", "description", "date", "place", "people", "reference"],
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "date": {"type": "string", "description": "As people know it, e.g. about 1925."},
            "year_from": {
                "type": ["integer", "null"],
                "description": "The first year the date stands for; null when open or unknown.",
            },
            "year_to": {"type": ["integer", "null"]},
            "place": {"type": "string"},
            "people": {"type": "array", "items": {"type": "string"}},
            "reference": {"type": "string"},
        },
    },
    "TaskWithFacts": {
        "allOf": [
            {"$ref": "#/components/schemas/TaskItem"},
            {
                "type": "object",
                "required": ["facts", "albums"],
                "properties": {
                    "facts": {"$ref": "#/components/schemas/Facts"},
                    "albums": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The ids of the albums holding the task.",
                    },
                },
            },
        ]
    },
    "Album": {
        "type": "object",
        "required": ["album_id", "name", "created_at", "photos", "task_ids"],
        "properties": {
            "album_id": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "name": {"type": "string"},
            "created_at": {"type": "integer", "minimum": 0, "description": "Unix seconds"},
            "photos": {"type": "integer", "minimum": 0},
            "task_ids": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The album's tasks in order (empty in the list of albums).",
            },
        },
    },
    "AlbumList": {
        "type": "object",
        "required": ["albums"],
        "properties": {
            "albums": {"type": "array", "items": {"$ref": "#/components/schemas/Album"}}
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
    "Suggestions": {
        "type": "object",
        "required": ["taskId", "suggestions"],
        "properties": {
            "taskId": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "suggestions": {
                "type": "array",
                "description": "Best first: where one pin would help most.",
                "items": {
                    "type": "object",
                    "required": ["x", "y", "outline", "area", "confidence", "alternatives"],
                    "properties": {
                        "x": {"type": "integer", "minimum": 0, "description": "Pin here."},
                        "y": {"type": "integer", "minimum": 0},
                        "outline": {
                            "type": "array",
                            "description": "The region's polygon, [x, y] points in pixels.",
                            "items": {
                                "type": "array",
                                "items": {"type": "integer"},
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                        "area": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 1,
                            "description": "The region's share of the photo.",
                        },
                        "confidence": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 1,
                            "description": "How likely the model's colour there is right.",
                        },
                        "alternatives": {
                            "type": "array",
                            "description": "The likeliest colours there, best first.",
                            "items": {"$ref": "#/components/schemas/Colour"},
                        },
                    },
                },
            },
        },
    },
    "Colour": {
        "type": "object",
        "required": ["color", "probability"],
        "properties": {
            "color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
            "probability": {"type": "number", "minimum": 0, "maximum": 1},
        },
    },
    "ColorizeResult": {
        "type": "object",
        "required": ["outputUrl", "mode", "photoKind"],
        "properties": {
            "outputUrl": {"type": "string", "format": "uri"},
            "mode": {"type": "string", "enum": list(MODES)},
            "photoKind": _PHOTO_KIND,
        },
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
