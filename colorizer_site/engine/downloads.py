"""Downloading optional third-party model files: resumable, checked, never half-installed.

A download goes to `<file>.part` and is renamed into place only after its size
and sha256 match the catalog, so the engine never sees a partial model. An
interrupted download resumes with an HTTP Range request; a server that ignores
the range gets a fresh start.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from colorizer_site.engine.model_registry import CATALOG_PATH, file_sha256

CHUNK = 1 << 16
TIMEOUT = httpx.Timeout(30.0, connect=15.0)


class DownloadError(Exception):
    """A download that failed or did not match its catalog entry; str() says why."""


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    family: str
    file: str
    url: str
    sha256: str
    size_bytes: int | None
    note: str = ""


def read_catalog(path: Path = CATALOG_PATH) -> dict[str, CatalogEntry]:
    document = json.loads(path.read_text())
    entries = {}
    for name, record in document.get("models", {}).items():
        entries[name] = CatalogEntry(
            name=name,
            family=record.get("family", ""),
            file=record["file"],
            url=record.get("url", "") or "",
            sha256=(record.get("sha256", "") or "").lower(),
            size_bytes=record.get("size_bytes"),
            note=record.get("note", "") or "",
        )
    return entries


@dataclass(frozen=True)
class InstalledState:
    path: Path
    present: bool
    size: int = 0
    verified: bool | None = None  # None: the catalog has no sha256 to compare with


def installed_state(entry: CatalogEntry, models_dir: Path) -> InstalledState:
    path = models_dir / entry.file
    if not path.is_file():
        return InstalledState(path=path, present=False)
    verified = file_sha256(path) == entry.sha256 if entry.sha256 else None
    return InstalledState(path=path, present=True, size=path.stat().st_size, verified=verified)


# (bytes so far, total bytes or None) after every chunk.
ProgressHook = Callable[[int, int | None], None]


def download(
    entry: CatalogEntry,
    models_dir: Path,
    *,
    progress: ProgressHook | None = None,
    client: httpx.Client | None = None,
) -> tuple[Path, str]:
    """Fetch `entry` into models_dir; returns the installed path and its sha256.

    Raises DownloadError when there is no URL, the server fails, or the size or
    checksum differs from the catalog (the partial file is then removed).
    """
    if not entry.url:
        raise DownloadError(
            f"{entry.name}: there is no published download location. {entry.note}".strip()
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / entry.file
    partial = target.with_name(target.name + ".part")
    owns_client = client is None
    client = client or httpx.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        _fetch_to(partial, entry, client, progress)
    except httpx.HTTPError as error:
        raise DownloadError(
            f"{entry.name}: download failed ({error}); run the command again to resume."
        ) from error
    finally:
        if owns_client:
            client.close()

    size = partial.stat().st_size
    if entry.size_bytes is not None and size != entry.size_bytes:
        partial.unlink()
        raise DownloadError(
            f"{entry.name}: got {size} bytes, the catalog says {entry.size_bytes}; removed it."
        )
    digest = file_sha256(partial)
    if entry.sha256 and digest != entry.sha256:
        partial.unlink()
        raise DownloadError(
            f"{entry.name}: sha256 mismatch (got {digest}, expected {entry.sha256}); "
            "the file was removed."
        )
    partial.replace(target)
    return target, digest


def _fetch_to(
    partial: Path, entry: CatalogEntry, client: httpx.Client, progress: ProgressHook | None
) -> None:
    offset = partial.stat().st_size if partial.exists() else 0
    headers = {"Range": f"bytes={offset}-"} if offset else {}
    with client.stream("GET", entry.url, headers=headers) as response:
        if response.status_code == 416 and offset:
            # The part file already holds everything the server has.
            return
        response.raise_for_status()
        resumed = response.status_code == 206 and offset > 0
        if not resumed:
            offset = 0
        length = response.headers.get("content-length")
        total = offset + int(length) if length and length.isdigit() else entry.size_bytes
        done = offset
        with partial.open("ab" if resumed else "wb") as handle:
            for chunk in response.iter_bytes(CHUNK):
                handle.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
