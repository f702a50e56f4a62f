"""Captions as a spreadsheet: import them for a batch or an album keyed by file name, and
export them, the way an archive's catalogue moves records in and out.

The columns are the facts' names (`facts.FACT_NAMES`) and `file_name`; headers
are matched without regard to case, spaces or underscores, and the usual names of
catalogue exports are understood too ("Filename", "Caption", "Location",
"Persons", "Identifier"...). Several people in one cell are separated by
semicolons. A row whose file is not among the photos is reported, not an error.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext

from colorizer_site.jobs.facts import FACT_NAMES, Facts, InvalidFacts, facts_of, save_facts
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.lib.errors import DomainError

COLUMNS = ("file_name", *FACT_NAMES, "task_id")
# Other headers meaning the same column, written as `_header_key` leaves them.
_ALIASES = {
    "filename": "file_name",
    "file": "file_name",
    "image": "file_name",
    "caption": "description",
    "headline": "title",
    "year": "date",
    "datecreated": "date",
    "location": "place",
    "locationshown": "place",
    "persons": "people",
    "personinimage": "people",
    "peopleshown": "people",
    "identifier": "reference",
    "referencenumber": "reference",
    "ref": "reference",
    "objectnumber": "reference",
}
MAX_CSV_BYTES = 2 * 1024 * 1024


class InvalidCsv(DomainError, ValueError):
    """A file that cannot be read as a table of captions; `str()` says why."""

    code = "invalid_csv"


@dataclass
class ImportReport:
    updated: int = 0
    unmatched: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _header_key(header: str) -> str:
    key = "".join(char for char in header.lower() if char.isalnum())
    if key in _ALIASES:
        return _ALIASES[key]
    return next((column for column in COLUMNS if column.replace("_", "") == key), "")


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0].lower() if "." in name[1:] else name.lower()


def import_captions(jobs: Iterable[ColorizationJob], data: bytes) -> ImportReport:
    """Save the facts of each row on the photo of `jobs` with that file name (or, failing
    that, the same name less its extension: a catalogue may list "0042.tif" for a JPEG
    scan). Columns the file does not have are left as they are on the photos."""
    if len(data) > MAX_CSV_BYTES:
        raise InvalidCsv(gettext("The captions file is larger than 2 MB; split it in parts."))
    text = data.decode("utf-8-sig", errors="replace")
    # Spreadsheets in much of Europe save "CSV" with semicolons, some tools with tabs:
    # the header row, which holds no quoted text, says which.
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as error:
        raise InvalidCsv(gettext("The captions file is empty.")) from error
    keys = [_header_key(name) for name in header]
    if "file_name" not in keys:
        raise InvalidCsv(
            gettext("The captions file needs a file_name column naming each photo's file.")
        )
    if not set(keys) & set(FACT_NAMES):
        raise InvalidCsv(
            gettext("The captions file has no column of facts; name them %(names)s.")
            % {"names": ", ".join(FACT_NAMES)}
        )
    by_name: dict[str, ColorizationJob] = {}
    by_stem: dict[str, ColorizationJob] = {}
    for job in jobs:
        name = (job.input_meta.get("name") or "").lower()
        by_name.setdefault(name, job)
        by_stem.setdefault(_stem(name), job)
    report = ImportReport()
    for number, row in enumerate(reader, start=2):
        values = {key: value for key, value in zip(keys, row, strict=False) if key}
        name = values.get("file_name", "").strip()
        if not name:
            continue
        job = by_name.get(name.lower()) or by_stem.get(_stem(name))
        if job is None:
            report.unmatched.append(name)
            continue
        given = {key: value for key, value in values.items() if key in FACT_NAMES}
        try:
            changes = Facts.from_mapping(given)
        except InvalidFacts as error:
            report.problems.append(
                gettext("line %(number)d (%(name)s): %(error)s")
                % {"number": number, "name": name, "error": error}
            )
            continue
        current = facts_of(job)
        merged = Facts(
            **{key: getattr(changes if key in given else current, key) for key in FACT_NAMES}
        )
        save_facts(job, merged)
        report.updated += 1
    return report


def export_rows(jobs: Iterable[ColorizationJob]) -> Iterator[dict[str, str]]:
    for job in jobs:
        facts = facts_of(job)
        row = {name: getattr(facts, name) for name in FACT_NAMES}
        row["people"] = "; ".join(facts.people)
        yield {"file_name": job.input_meta.get("name", ""), **row, "task_id": job.task_id}


def export_captions(jobs: Iterable[ColorizationJob]) -> str:
    """The facts of `jobs` as CSV text (UTF-8, a header row, one row per photo)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(export_rows(jobs))
    return buffer.getvalue()
