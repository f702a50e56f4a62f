"""The stages of one engine call: their place on the progress bar, timings and order."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from colorizer_site.engine import clarity
from colorizer_site.engine.decoding import DecodedImage
from colorizer_site.engine.encoding import encode_image
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.formats import OUTPUT_CONTENT_TYPES
from colorizer_site.engine.provenance import Provenance
from colorizer_site.engine.types import (
    ColorizeOptions,
    ColorizeResult,
    EngineConfig,
    ProgressCallback,
)

# Where each stage starts on the progress bar (percent); encode ends at 100.
_PROGRESS_AT = {
    "decode": 0,
    "clean_scratches": 10,
    "colorize": 25,
    "restore": 25,
    "face_remaster": 70,
    "encode": 92,
}

# The scratch repair's notes; the site reads the stored English back in the reader's
# language (jobs.stored_sentences).
SCRATCH_NONE_NOTE = _("Scratch repair found no scratches or dust; nothing was changed.")
SCRATCH_SHARE_NOTE = _("Scratch repair touched %(share)s%% of the pixels.")


def note_scratch_repair(share: float, notes: list[str], unchanged_addons: list[str]) -> None:
    """Say what scratch repair did; an add-on that changed nothing is refunded by the site."""
    if share == 0.0:
        unchanged_addons.append("clean_scratches")
        notes.append(SCRATCH_NONE_NOTE)
    else:
        notes.append(SCRATCH_SHARE_NOTE % {"share": f"{share * 100:.2f}"})


class Run:
    """Timings, stage list and progress of one colorize call."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.stages: list[str] = []
        self.timings_ms: dict[str, float] = {}

    def report(self, stage: str, percent: int) -> None:
        if self.progress is not None:
            self.progress(stage, max(0, min(100, percent)))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.report(name, _PROGRESS_AT[name])
        started = time.perf_counter()
        yield
        self.timings_ms[name] = round((time.perf_counter() - started) * 1000.0, 1)
        self.stages.append(name)


def finish(
    rgb: np.ndarray,
    *,
    decoded: DecodedImage,
    options: ColorizeOptions,
    config: EngineConfig,
    run: Run,
    model: str,
    notes: list[str],
    unchanged_addons: list[str],
    **result_fields: object,
) -> ColorizeResult:
    """The stages every mode ends with (the clarity boost on faces, then the encoder) and
    the result they make; `result_fields` are the mode's own (mode, photo_kind)."""
    if options.face_remaster:
        with run.stage("face_remaster"):
            rgb, faces, note = clarity.remaster_faces(
                rgb,
                threads=config.threads,
                progress=lambda fraction: run.report("face_remaster", 70 + int(fraction * 22)),
            )
            if faces == 0:
                unchanged_addons.append("face_remaster")
            notes.append(note)
    with run.stage("encode"):
        output = encode_image(
            rgb,
            options.output_format,
            alpha=decoded.alpha,
            exif=decoded.exif,
            provenance=Provenance(model=model),
        )
    run.report("done", 100)
    height, width = rgb.shape[:2]
    return ColorizeResult(
        data=output,
        format=options.output_format,
        content_type=OUTPUT_CONTENT_TYPES[options.output_format],
        width=width,
        height=height,
        model=model,
        stages=run.stages,
        timings_ms=run.timings_ms,
        notes=notes,
        unchanged_addons=unchanged_addons,
        **result_fields,
    )
