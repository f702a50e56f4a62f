"""A ZIP archive built while it is being sent: memory stays at about one piece of one
member whatever the number or size of the members."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

# Members are copied into the archive in pieces of this size: the memory bound.
CHUNK_BYTES = 256 * 1024


def stream_zip(members: Iterable[tuple[str, datetime, Callable[[], IO[bytes]]]]) -> Iterator[bytes]:
    """The archive of `members` (name, modification time, opener), in pieces.

    Members are stored, not deflated: the callers' files (images) are compressed
    already. An opener that raises FileNotFoundError leaves its member out, so a
    file removed while the archive is being built does not break the download.
    """
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as bundle:
        for name, moment, open_member in members:
            try:
                source = open_member()
            except FileNotFoundError:
                continue
            entry = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            with source, bundle.open(entry, "w", force_zip64=True) as target:
                while chunk := source.read(CHUNK_BYTES):
                    target.write(chunk)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


class _Pipe(io.RawIOBase):
    """A write-only, unseekable file that hands over what was written since the last take."""

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self._written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._pieces.append(bytes(data))
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        # zipfile records offsets from tell(); seek() stays unsupported, so it writes
        # each entry's sizes after its data instead of going back for them.
        return self._written

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data
