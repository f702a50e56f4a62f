"""Dates as people write them on the back of a photo, read as a range of years.

Family historians and archives rarely know a day: they write "about 1925",
"summer 1948", "1910s", "1920-1925", "early 1930s", "before 1914". The words are
kept as written; `year_range` gives the years they stand for, so photos can be
sorted and filtered by time. What it cannot read gives no years, never an error:
the words are still worth keeping.
"""

from __future__ import annotations

import re

# "about 1925" could be a few years either side: wide enough that a filter for
# 1923 finds it, narrow enough that one for the 1930s does not.
ABOUT_MARGIN = 2
_ABOUT = r"(?:about|around|approx\.?|approximately|circa|ca\.?|c\.|c|~)"
_YEAR = r"(1[0-9]{3}|20[0-9]{2})"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (rf"^{_YEAR}\s*(?:-|\u2013|\u2014|to|until|/)\s*{_YEAR}$", "range"),
        (rf"^(?:between\s+){_YEAR}\s+and\s+{_YEAR}$", "range"),
        (rf"^(early|mid|mid-|late)?\s*-?\s*{_YEAR[:-1]}0)'?s$", "decade"),
        (r"^(early|mid|mid-|late)?\s*-?\s*([0-9]{1,2})(?:st|nd|rd|th)\s+century$", "century"),
        (rf"^(before|after|by|until)\s+{_YEAR}$", "open"),
        (rf"^{_ABOUT}\s*{_YEAR}\??$", "about"),
        (rf"^{_YEAR}\?$", "about"),
    )
)
# Any four-digit year inside other words: "summer 1948", "12 June 1948", "1948-06-12".
_ANY_YEAR = re.compile(rf"(?<![0-9]){_YEAR}(?![0-9])")


def year_range(text: str) -> tuple[int | None, int | None]:
    """The first and last year `text` stands for; (None, None) when it names none."""
    text = " ".join(text.strip().split())
    about = re.match(rf"^{_ABOUT}\s+(?=\S)", text, re.IGNORECASE)
    if about and text[about.end() :][:1].isdigit():
        # "about" widens whatever follows: a year, a decade, a range.
        first, last = year_range(text[about.end() :])
        return (
            first - ABOUT_MARGIN if first is not None else None,
            last + ABOUT_MARGIN if last is not None else None,
        )
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if match:
            return _READERS[kind](match)
    years = [int(year) for year in _ANY_YEAR.findall(text)]
    if not years:
        return None, None
    return min(years), max(years)


def _range(match: re.Match[str]) -> tuple[int, int]:
    first, last = int(match.group(1)), int(match.group(2))
    return min(first, last), max(first, last)


def _part(span_start: int, span: int, part: str | None) -> tuple[int, int]:
    """The early, mid or late third of a span of years (all of it without a part)."""
    part = (part or "").rstrip("-").lower()
    third = span // 3
    if part == "early":
        return span_start, span_start + third
    if part == "mid":
        return span_start + third, span_start + span - third - 1
    if part == "late":
        return span_start + span - third - 1, span_start + span - 1
    return span_start, span_start + span - 1


def _decade(match: re.Match[str]) -> tuple[int, int]:
    return _part(int(match.group(2)), 10, match.group(1))


def _century(match: re.Match[str]) -> tuple[int, int]:
    # The 19th century is 1801-1900 by the book, 1800-1899 as people mean it.
    return _part((int(match.group(2)) - 1) * 100, 100, match.group(1))


def _open(match: re.Match[str]) -> tuple[int | None, int | None]:
    word, year = match.group(1).lower(), int(match.group(2))
    if word == "after":
        return year + 1, None
    return None, (year - 1 if word == "before" else year)


def _about(match: re.Match[str]) -> tuple[int, int]:
    year = int(match.group(match.lastindex or 1))
    return year - ABOUT_MARGIN, year + ABOUT_MARGIN


_READERS = {
    "range": _range,
    "decade": _decade,
    "century": _century,
    "open": _open,
    "about": _about,
}
