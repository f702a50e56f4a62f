"""Typed errors the engine raises; the web and API layers map them to messages and codes.

`task_state` is the task dialect's published state code for a job that ends with
the error (docs/architecture.md, "A job's life"): the one place that mapping is written.
"""


class EngineError(Exception):
    """Base class. `str(error)` is a sentence a person can read."""

    code = "engine_error"
    task_state = -1


class InvalidImage(EngineError):
    code = "invalid_image"
    task_state = -7


class UnsupportedFormat(InvalidImage):
    code = "unsupported_format"


class ImageTooLarge(EngineError):
    code = "image_too_large"
    task_state = -5


class ModelNotInstalled(EngineError):
    code = "model_not_installed"


class InvalidOptions(EngineError):
    """An option's value cannot be used (bad hints, vividness out of range); `field` names it."""

    code = "invalid_options"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
