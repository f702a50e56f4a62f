"""A ZIP archive built while it is being sent: memory stays at about one piece of one
member whatever the number or size of the members."""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime

# How much of a file a member's pieces should carry at a time: the memory bound.
CHUNK_BYTES = 256 * 1024

Member = tuple[str, datetime, Iterable[bytes]]


def stream_zip(members: Iterable[Member]) -> Iterator[bytes]:
    """The archive of `members` (name, modification time, the content in pieces), in pieces.

    Members are stored, not deflated: the callers' files (images) are compressed
    already. A member whose pieces raise FileNotFoundError before the first one is
    left out, so a file removed while the archive is being built does not break the
    download. Members are read one after the other, so a later member may describe
    the earlier ones.
    """
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as bundle:
        for name, moment, content in members:
            pieces = iter(content)
            try:
                first = next(pieces, b"")
            except FileNotFoundError:
                continue
            entry = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6])
            with bundle.open(entry, "w", force_zip64=True) as target:
                for piece in itertools.chain([first], pieces):
                    target.write(piece)
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
