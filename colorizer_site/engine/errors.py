"""Typed errors the engine raises; the web and API layers map them to messages and codes.

`task_state` is the task dialect's published state code for a job that ends with
the error (docs/architecture.md, "A job's life"): the one place that mapping is written.
"""

from collections.abc import Callable


def gettext_noop(message: str) -> str:
    """Marks a sentence for the site's translation catalogues: `manage.py makemessages`
    collects calls by this name (docs/languages.md). The engine itself stays English."""
    return message


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    """Marks a sentence's singular and plural as one entry of the catalogues (the project's
    makemessages knows this name); the caller picks the English form by the count."""
    return singular, plural


# How a sentence's template becomes the reader's language. The engine knows no Django, so
# the site installs Django's gettext here at start-up (jobs' AppConfig); under /api/ and in
# the worker the active language is English, so the API and stored messages stay English.
translate: Callable[[str], str] = gettext_noop


class EngineError(Exception):
    """Base class. `str(error)` is a sentence a person can read, in the active language.

    `message` is the sentence's English template (marked with gettext_noop where it is
    raised) and `params` fill its %(name)s placeholders, so the translation happens when the
    sentence is read, not when it is raised."""

    code = "engine_error"
    task_state = -1

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        if not self.message:
            return super().__str__()
        template = translate(self.message)
        return template % self.params if self.params else template


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

    def __init__(self, message: str, /, *, field: str, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field
