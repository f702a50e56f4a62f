"""Which files of a folder, an upload or a ZIP archive are photos to colorize, and why not.

The one home of the skip rules and their sentences: the batch upload on the
colorize page, the API's batches and `manage.py colorize` on folders all read
them, so a file is skipped for the same reason, in the same words, everywhere.
A name only says whether a file is worth opening; whether it really is an image
is decided by the engine from the bytes, and its refusal is the reason given.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from colorizer_site.engine import formats
from colorizer_site.jobs.limits import accepted_formats_sentence

# Folders, macOS resource forks and hidden files (.DS_Store, ._photo.jpg, Thumbs.db):
# what file managers and archivers add next to photos. They are passed over in silence.
_SYSTEM_FOLDERS = ("__MACOSX",)
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")


@dataclass(frozen=True)
class Skipped:
    """A file that is not colorized, and the sentence that says why."""

    name: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "reason": self.reason}


def is_system_file(path: str) -> bool:
    """True for files an operating system or archiver adds beside photos, and for folders."""
    parts = [part for part in path.replace("\\", "/").split("/") if part]
    if not parts or path.endswith("/"):
        return True
    if any(part in _SYSTEM_FOLDERS for part in parts[:-1]):
        return True
    name = parts[-1]
    return name.startswith(".") or name.lower() in _SYSTEM_FILES


def not_a_photo_reason(name: str) -> str | None:
    """Why a file is skipped by its name alone (not an image format we read), or None."""
    if formats.looks_like_photo_name(name):
        return None
    return gettext("not a photo: only %(formats)s files are colorized.") % {
        "formats": accepted_formats_sentence()
    }


def base_name(path: str) -> str:
    """The file's own name, without the folders of an archive or an upload's path."""
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1][:200]


def skip_message(skipped: Skipped) -> str:
    """How a skipped file is reported in a list or on a command line."""
    return f"{skipped.name}: {skipped.reason}"
