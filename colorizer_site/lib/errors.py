"""The base of the errors a person can act on, carrying what every surface needs.

A service raises a subclass (credits' InsufficientCredits, the engine's InvalidImage,
jobs' InvalidJobOptions, ...) and says on the class, once, what it means: the HTTP
status, the task dialect's state code where a job ends with it, and the form field it
concerns. Pages show `str(error)` beside that field; both API dialects write the same
three facts in their own shapes (api/errors.py). A new error is one subclass here or
in its app, and no view changes.
"""

from __future__ import annotations

from typing import Any, Protocol


class DomainError(Exception):
    """A refusal or failure with a sentence a person can read (`str(error)`)."""

    # What the API answers with, and what a page's JSON endpoint answers with.
    status: int = 400
    # A short machine-readable name (a failed job's error_code).
    code: str = "invalid"
    # The task dialect's state for a job that ends with this error; None when no job does.
    task_state: int | None = None
    # The input a page shows it beside when no `field` is named: "photo" (whichever
    # way the photo came), "image_url" or "model"; None puts it above the form.
    about: str | None = None

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        # The input it concerns (a form field, an API parameter), where there is one.
        self.field = field

    def details(self) -> dict[str, Any]:
        """Facts beyond the sentence that the API bodies carry (e.g. the task's id)."""
        return {"field": self.field} if self.field else {}

    def headers(self) -> dict[str, str]:
        """Response headers that go with it (e.g. Retry-After)."""
        return {}


class _Form(Protocol):
    fields: dict[str, Any]

    def add_error(self, field: str | None, error: str) -> None: ...


def show_on_form(form: _Form, error: DomainError, *, photo_field: str | None = None) -> None:
    """Put the error's sentence beside the input it concerns, or above the form when the
    form has no such input; `photo_field` is where this form takes the photo."""
    where = error.field or error.about
    if where == "photo":
        where = photo_field
    form.add_error(where if where in form.fields else None, str(error))
