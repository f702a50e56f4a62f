"""Sentences stored in English (job failures, engine notes, ledger memos), read back in
the reader's language.

A job's failure message and the engine's notes are written once, by the worker, in
English: the API returns them as they are. Pages show them translated: a sentence
without values is looked up as it stands; one with values (a share of pixels, a number
of faces) is matched against the template it was made from, and the values go into the
template's translation. A sentence nobody marked for translation reads as stored.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext, ngettext

from colorizer_site.credits.purchases import BOUGHT_MEMO
from colorizer_site.engine.clarity import FACES_REDRAWN_NOTE
from colorizer_site.engine.pipeline import ALREADY_IN_COLOUR_NOTE
from colorizer_site.engine.stages import SCRATCH_SHARE_NOTE
from colorizer_site.jobs.addon_refunds import REFUND_MEMOS
from colorizer_site.jobs.endings import TIMED_OUT_MESSAGE

# (singular, plural or None, the value that picks the plural form)
_TEMPLATES: tuple[tuple[str, str | None, str], ...] = (
    (ALREADY_IN_COLOUR_NOTE, None, ""),
    (SCRATCH_SHARE_NOTE, None, ""),
    (*FACES_REDRAWN_NOTE, "count"),
    (*TIMED_OUT_MESSAGE, "minutes"),
    (BOUGHT_MEMO, None, ""),
    *((memo, None, "") for memo in REFUND_MEMOS.values()),
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def read(sentence: str) -> str:
    """`sentence` (as the worker stored it) in the active language."""
    translated = gettext(sentence)
    if translated != sentence:
        return translated
    for singular, plural, count_name, pattern in _patterns():
        match = pattern.fullmatch(sentence)
        if match is None:
            continue
        values = match.groupdict()
        if plural is None:
            return gettext(singular) % values
        return ngettext(singular, plural, int(values[count_name])) % values
    return sentence


@cache
def _patterns() -> list[tuple[str, str | None, str, re.Pattern[str]]]:
    patterns = []
    for singular, plural, count_name in _TEMPLATES:
        for form in (singular, plural):
            if form is not None:
                patterns.append((singular, plural, count_name, _pattern(form)))
    return patterns


def _pattern(template: str) -> re.Pattern[str]:
    parts, position = [], 0
    for placeholder in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : placeholder.start()]))
        name = placeholder.group(1)
        parts.append(f"(?P<{name}>.+?)" if name else "%")
        position = placeholder.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts))
