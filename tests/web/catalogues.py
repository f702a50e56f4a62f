"""The translation catalogues as the tests need them: compiled, and parsed.

`make setup` and `make test` compile locale/ (the .mo files are not committed); a test
run started another way compiles them here, with GNU gettext's msgfmt as make does.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
DOMAINS = ("django", "djangojs")


def catalogue_paths() -> Iterator[tuple[str, str, Path]]:
    for language in TRANSLATED:
        for domain in DOMAINS:
            yield language, domain, LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


@pytest.fixture(scope="session")
def compiled_catalogues() -> None:
    """Compile any .po newer than its .mo, then make Django read the catalogues afresh."""
    from django.utils.translation import trans_real

    compiled = False
    for _, _, po in catalogue_paths():
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check", "-o", str(mo), str(po)], check=True)
            compiled = True
    if compiled:
        # What Django's own setting_changed receiver does when LOCALE_PATHS change.
        trans_real._translations = {}
        trans_real._default = None
