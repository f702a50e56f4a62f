"""The API's operations and their parameters, written down once (see `params`).

The API's parsers and OpenAPI document, and the pages' Docs view, read these tables.
"""

from colorizer_site.api.spec.albums import (
    ADD_TO_ALBUM,
    CREATE_ALBUM,
    GET_ALBUM,
    GET_TASK_FACTS,
    LIST_ALBUMS,
    UPDATE_TASK_FACTS,
)
from colorizer_site.api.spec.integrations import (
    CANCEL_TASK,
    CREATE_BATCH,
    GET_BATCH,
    GET_SUGGESTIONS,
    LIST_TASKS,
)
from colorizer_site.api.spec.params import (
    FLAG_CHOICES,
    INPUT_FORMATS,
    INPUT_LIMITS,
    TASK_PAGE_DEFAULT,
    TASK_PAGE_MAX,
    TASK_STATE_FILTERS,
    V1_FILE_LIMIT_BYTES,
    Example,
    Operation,
    Param,
    Reply,
)
from colorizer_site.api.spec.tasks import CREATE_TASK, GET_PALETTE, GET_TASK
from colorizer_site.api.spec.v1 import ACCOUNT, COLORIZE

OPERATIONS = (
    CREATE_TASK,
    GET_TASK,
    GET_PALETTE,
    COLORIZE,
    ACCOUNT,
    LIST_TASKS,
    CANCEL_TASK,
    GET_SUGGESTIONS,
    CREATE_BATCH,
    GET_BATCH,
    GET_TASK_FACTS,
    UPDATE_TASK_FACTS,
    LIST_ALBUMS,
    CREATE_ALBUM,
    GET_ALBUM,
    ADD_TO_ALBUM,
)

__all__ = [
    "ACCOUNT",
    "CANCEL_TASK",
    "COLORIZE",
    "CREATE_BATCH",
    "CREATE_TASK",
    "FLAG_CHOICES",
    "GET_BATCH",
    "GET_PALETTE",
    "GET_SUGGESTIONS",
    "GET_TASK",
    "INPUT_FORMATS",
    "INPUT_LIMITS",
    "LIST_TASKS",
    "OPERATIONS",
    "TASK_PAGE_DEFAULT",
    "TASK_PAGE_MAX",
    "TASK_STATE_FILTERS",
    "V1_FILE_LIMIT_BYTES",
    "Example",
    "Operation",
    "Param",
    "Reply",
]
