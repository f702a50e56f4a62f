"""Typed errors the engine raises, each saying what it means on every surface.

`task_state` is the task dialect's published state code for a job that ends with
the error (docs/architecture.md, "A job's life") and `status` the HTTP status: the one
place that mapping is written (lib.errors describes the fields).
"""

from colorizer_site.lib.errors import DomainError


class EngineError(DomainError):
    """Base class. `str(error)` is a sentence a person can read."""

    status = 500
    code = "engine_error"
    task_state = -1
    about = "photo"


class InvalidImage(EngineError):
    status = 400
    code = "invalid_image"
    task_state = -7


class UnsupportedFormat(InvalidImage):
    code = "unsupported_format"


class ImageTooLarge(EngineError):
    status = 400
    code = "image_too_large"
    task_state = -5


class ModelNotInstalled(EngineError):
    status = 503
    code = "model_not_installed"
    # Refused before any job exists: no task state to report (a worker that meets it
    # fails the job as FAILED).
    task_state = None
    about = "model"


class InvalidOptions(EngineError):
    """An option's value cannot be used (bad hints, vividness out of range); `field` names it."""

    status = 400
    code = "invalid_options"
    task_state = None
    about = None

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)
