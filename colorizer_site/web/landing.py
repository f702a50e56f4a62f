"""The before/after sample on the visitors' landing page.

`manage.py make_landing_sample PHOTO` writes the pair and a small JSON file
describing it under static/img/landing/; the landing page shows it when present.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

LANDING_DIR = Path("img") / "landing"
SAMPLE_FILE = "sample.json"


def sample_directory() -> Path:
    return Path(settings.BASE_DIR) / "static" / LANDING_DIR


@cache
def landing_sample() -> dict | None:
    """The sample's static paths, size and caption, read once per process."""
    path = sample_directory() / SAMPLE_FILE
    if not path.exists():
        return None
    sample = json.loads(path.read_text())
    return {
        "before": str(LANDING_DIR / sample["before"]),
        "after": str(LANDING_DIR / sample["after"]),
        "width": sample["width"],
        "height": sample["height"],
        "caption": sample.get("caption", ""),
    }
