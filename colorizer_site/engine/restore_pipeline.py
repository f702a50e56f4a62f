"""Restore mode's whole job: decode, optionally repair scratches, restore the colour (or,
for a black-and-white or toned photo, its tones), optionally sharpen faces, encode."""

import numpy as np

from colorizer_site.engine import scratches
from colorizer_site.engine.color import lightness_of_gray, lightness_of_rgb, srgb8_of_lab
from colorizer_site.engine.decoding import decode_image
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.photo_kind import MONOCHROME_KINDS
from colorizer_site.engine.restoration import MODEL_NAME, restore
from colorizer_site.engine.stages import Run, finish, note_scratch_repair
from colorizer_site.engine.types import (
    ColorizeOptions,
    ColorizeResult,
    EngineConfig,
    ProgressCallback,
)

# Stored in English; the site shows them in the reader's language (jobs.stored_sentences).
MONOCHROME_VIVIDNESS_NOTE = _("Vividness does not apply to a monochrome photo; its tone was kept.")
KIND_NOTES = {
    "bw": _(
        "This photo is black and white: restore repaired its tones and contrast and kept "
        "it black and white. To give it colour, colorize it instead."
    ),
    "toned": _(
        "This photo is a toned monochrome print: restore repaired its tones and contrast "
        "and kept its tone. To give it colour, colorize it instead."
    ),
    "faded": _(
        "The faded colours were restored: casts removed, contrast and saturation brought back."
    ),
    "colour": _(
        "This photo's colours were in good condition; restore made only small corrections."
    ),
}


def restore_photo(
    data: bytes,
    options: ColorizeOptions,
    config: EngineConfig,
    progress: ProgressCallback | None = None,
) -> ColorizeResult:
    """Restore mode of `engine.colorize` (options already checked)."""
    run = Run(progress)
    notes: list[str] = []
    unchanged_addons: list[str] = []

    with run.stage("decode"):
        decoded = decode_image(data, config)
        notes.extend(decoded.notes)
        rgb = decoded.rgb
        lightness = lightness_of_rgb(rgb) if rgb is not None else lightness_of_gray(decoded.gray)
        decoded.rgb = decoded.gray = None

    if options.clean_scratches:
        with run.stage("clean_scratches"):
            if rgb is None:
                lightness, share = scratches.clean_scratches(lightness, config.threads)
            else:
                rgb, share = scratches.clean_scratches_colour(rgb, lightness, config.threads)
                if share:
                    lightness = lightness_of_rgb(rgb)
            note_scratch_repair(share, notes, unchanged_addons)

    with run.stage("restore"):
        restored = restore(rgb, lightness, options.vividness)
        notes.append(KIND_NOTES[restored.kind])
        if restored.rgb is not None:
            rgb = restored.rgb
        else:
            rgb = srgb8_of_lab(restored.lightness, np.zeros((*lightness.shape, 2), np.float32))
        del lightness
        if options.vividness is not None and restored.kind in MONOCHROME_KINDS:
            notes.append(MONOCHROME_VIVIDNESS_NOTE)

    return finish(
        rgb,
        decoded=decoded,
        options=options,
        config=config,
        run=run,
        model=MODEL_NAME,
        notes=notes,
        unchanged_addons=unchanged_addons,
        mode="restore",
        photo_kind=restored.kind,
    )
