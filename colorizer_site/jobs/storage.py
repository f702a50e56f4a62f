"""Local media storage that leaves nothing behind when a write fails.

Django's FileSystemStorage creates the file and then writes it; when the write
fails (the disk is full) the partial file stays, named after a job that was never
written: an orphan. The fault run of bench/faults.py (disk_full) left 134 of them.
"""

from __future__ import annotations

import contextlib

from django.core.files.storage import FileSystemStorage


class CleanFileSystemStorage(FileSystemStorage):
    def _save(self, name: str, content) -> str:
        existed = self.exists(name)
        try:
            return super()._save(name, content)
        except OSError:
            # Created by this call (O_EXCL, so not someone else's) and never completed.
            if not existed:
                with contextlib.suppress(OSError):
                    self.delete(name)
            raise
