"""What kind of photo the user has, in the product's words, and which mode fits it.

The engine's detector (docs/restore.md) says bw, toned, faded or colour; this module
is the one home of what the pages say about each and of the mode they preselect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from colorizer_site import engine
from colorizer_site.jobs.registry import engine_config

LABELS = {
    "bw": _("black and white"),
    "toned": _("toned monochrome (sepia, selenium or cyanotype)"),
    "faded": _("faded colour"),
    "colour": _("colour in good condition"),
}
# What the colorize page says when a photo is chosen, and the mode it then preselects.
ADVICE = {
    "bw": _("This photo is black and white: colorizing gives it colour."),
    "toned": _(
        "This photo is a toned monochrome print: colorizing gives it colour; restoring "
        "keeps its tone and repairs its contrast."
    ),
    "faded": _("This photo already has colour: restoring its colours keeps them."),
    "colour": _("This photo already has colour: restoring its colours keeps them."),
}
SUGGESTED_MODE = {"bw": "colorize", "toned": "colorize", "faded": "restore", "colour": "restore"}
# Said on a finished job whose mode did not fit the photo (the user chose; we only tell).
MISMATCH = {
    ("colorize", "faded"): _(
        "This photo already had colour; it was colorized from its tones as you asked. "
        "To keep its own colours, run it again with Restore colours."
    ),
    ("colorize", "colour"): _(
        "This photo already had colour; it was colorized from its tones as you asked. "
        "To keep its own colours, run it again with Restore colours."
    ),
    ("restore", "bw"): _(
        "This photo is black and white, so restoring repaired its tones and kept it "
        "monochrome. To give it colour, run it again with Colorize."
    ),
    ("restore", "toned"): _(
        "This photo is a toned monochrome print, so restoring repaired its tones and kept "
        "its tone. To give it colour, run it again with Colorize."
    ),
}


@dataclass(frozen=True)
class Verdict:
    kind: str
    label: str
    advice: str
    suggested_mode: str

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": str(self.label),
            "advice": str(self.advice),
            "suggested_mode": self.suggested_mode,
        }


def verdict(kind: str) -> Verdict:
    return Verdict(kind, LABELS[kind], ADVICE[kind], SUGGESTED_MODE[kind])


def detect(data: bytes) -> Verdict:
    """The kind of an encoded photo (the engine's errors pass through: not a photo, too big)."""
    return verdict(engine.kind_of_image(data, engine_config()))


def mismatch_advice(mode: str, kind: str | None) -> str:
    """A sentence when the chosen mode does not fit the detected kind; empty otherwise."""
    return str(MISMATCH.get((mode, kind or ""), ""))
