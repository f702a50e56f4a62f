"""Typed errors the engine raises; the web and API layers map them to messages and codes."""


class EngineError(Exception):
    """Base class. `str(error)` is a sentence a person can read."""

    code = "engine_error"


class InvalidImage(EngineError):
    code = "invalid_image"


class UnsupportedFormat(InvalidImage):
    code = "unsupported_format"


class ImageTooLarge(EngineError):
    code = "image_too_large"


class ModelNotInstalled(EngineError):
    code = "model_not_installed"


class InvalidOptions(EngineError):
    """An option's value cannot be used (bad hints, vividness out of range); `field` names it."""

    code = "invalid_options"

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field
