"""The engine stands alone: importing all of it pulls in no Django and no app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import sys
import colorizer_site.engine
import colorizer_site.engine.clarity
import colorizer_site.engine.downloads
import colorizer_site.engine.scratches
APPS = {"jobs", "web", "api", "credits", "keys", "accounts"}
parts = [name.split(".") for name in sys.modules]
print(",".join(sorted(
    ".".join(part) for part in parts
    if part[0] == "django" or (part[0] == "colorizer_site" and part[1:2] and part[1] in APPS)
)))
"""


def test_importing_the_engine_loads_no_django_and_no_app() -> None:
    finished = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == ""
