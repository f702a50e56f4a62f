"""Typed errors the engine raises, each saying what it means on every surface.

`task_state` is the task dialect's published state code for a job that ends with
the error (docs/architecture.md, "A job's life") and `status` the HTTP status: the one
place that mapping is written (lib.errors describes the fields).
"""

from collections.abc import Callable

from colorizer_site.lib.errors import DomainError


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


class EngineError(DomainError):
    """Base class. `str(error)` is a sentence a person can read, in the active language.

    `message` is the sentence's English template (marked with gettext_noop where it is
    raised) and `params` fill its %(name)s placeholders, so the translation happens when the
    sentence is read, not when it is raised."""

    status = 500
    code = "engine_error"
    task_state = -1
    about = "photo"

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

    def __init__(self, message: str, /, *, field: str, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field
