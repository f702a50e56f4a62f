"""Local media storage: a write that fails part-way (a full disk) leaves no partial file."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files.base import ContentFile, File

from colorizer_site.jobs.storage import CleanFileSystemStorage


class _FullDisk(File):
    """Content whose second chunk fails the way a full disk does."""

    def __init__(self) -> None:
        super().__init__(None, name="photo.jpg")

    def chunks(self, chunk_size: int | None = None):
        yield b"x" * 1000
        raise OSError(errno.ENOSPC, "No space left on device")

    def open(self, mode=None):
        return self


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path) -> None:
    storage = CleanFileSystemStorage(location=tmp_path)
    with pytest.raises(OSError) as raised:
        storage.save("inputs/2026/12/01/abc.jpg", _FullDisk())
    assert raised.value.errno == errno.ENOSPC
    assert list(tmp_path.rglob("*.jpg")) == []


def test_a_good_write_and_an_existing_name_behave_as_django_does(tmp_path: Path) -> None:
    storage = CleanFileSystemStorage(location=tmp_path)
    first = storage.save("results/a.jpg", ContentFile(b"one"))
    second = storage.save("results/a.jpg", ContentFile(b"two"))
    assert first == "results/a.jpg"
    assert second != first
    assert (tmp_path / first).read_bytes() == b"one"
