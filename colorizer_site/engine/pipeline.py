"""The whole job: bytes in, colorized bytes out, every stage timed and reported."""

import numpy as np

from colorizer_site.engine import scratches
from colorizer_site.engine.color import (
    lightness_of_gray,
    lightness_of_rgb,
    mean_chroma,
    srgb8_of_lab,
)
from colorizer_site.engine.decoding import decode_image
from colorizer_site.engine.distribution import temperature_of_vividness
from colorizer_site.engine.errors import InvalidOptions, ModelNotInstalled
from colorizer_site.engine.errors import gettext_noop as _
from colorizer_site.engine.hints import apply_pins, check_hints_inside, check_vividness
from colorizer_site.engine.model_registry import Prediction, predict, takes_hints
from colorizer_site.engine.photo_kind import detect_kind
from colorizer_site.engine.pins import PinSpread, pin_spread, spread_pins
from colorizer_site.engine.restore_pipeline import restore_photo
from colorizer_site.engine.stages import Run, finish, note_scratch_repair
from colorizer_site.engine.types import (
    MODES,
    OUTPUT_FORMATS,
    ColorizeOptions,
    ColorizeResult,
    ColourHint,
    EngineConfig,
    ModelEntry,
    ProgressCallback,
)
from colorizer_site.engine.upsampling import ColourField, guided_field, plain_field

# Mean CIELAB chroma above which an input counts as a colour photo: the training
# data's own line between colour and grey/sepia pictures.
COLOUR_CHROMA = 6.0
# Rows of the full-size colour made at once: small enough to stay in cache-sized pieces,
# large enough that per-strip overhead vanishes.
COLOUR_STRIP_ROWS = 256

# Notes with values in them; the site reads the stored English back in the reader's
# language by these templates (jobs.stored_sentences).
ALREADY_IN_COLOUR_NOTE = _(
    "The input was already in colour (mean chroma %(chroma)s); "
    "it was colorized again from its luminance."
)


def decode_colour(prediction: Prediction, entry: ModelEntry, vividness: int | None) -> np.ndarray:
    """a*, b* at the model's grid for the requested vividness (None: the model's own best).

    Models that give a*, b* directly have no temperature; for them vividness scales
    the chroma around 50, which leaves their colours as they are.
    """
    if prediction.distribution is not None:
        if vividness is None:
            return prediction.decode(entry.temperature)
        return prediction.decode(temperature_of_vividness(vividness))
    ab = prediction.decode(None)
    return ab if vividness is None else ab * (0.5 + vividness / 100.0)


def colour_field(prediction: Prediction, ab_grid: np.ndarray, lightness: np.ndarray) -> ColourField:
    """Colour at the photo's size, made a strip at a time: edge-following for the own
    models' coarse grid, bilinear for families that already give it at their working size."""
    if prediction.distribution is not None:
        return guided_field(ab_grid, lightness)
    return plain_field(ab_grid, lightness)


def spread_of(prediction: Prediction, hints: tuple[ColourHint, ...]) -> PinSpread | None:
    """How the pins colour their surfaces (engine.pins); None without pins or surfaces."""
    if not hints or prediction.surfaces is None:
        return None
    return pin_spread(hints, prediction.surfaces)


def full_size_ab(
    prediction: Prediction,
    ab_grid: np.ndarray,
    lightness: np.ndarray,
    hints: tuple[ColourHint, ...] = (),
) -> np.ndarray:
    """The whole a*, b* [H, W, 2] with the pins applied (for previews, which are small, and
    the evaluation): exactly what `colour_pixels` gives a job, strip by strip."""
    ab = colour_field(prediction, ab_grid, lightness).whole()
    ab = spread_pins(ab, spread_of(prediction, hints), lightness.shape)
    return apply_pins(ab, lightness, hints)


def colour_pixels(
    field: ColourField,
    lightness: np.ndarray,
    hints: tuple[ColourHint, ...],
    spread: PinSpread | None = None,
) -> np.ndarray:
    """uint8 sRGB of the photo, strip by strip: the full-size a*, b* (8 bytes a pixel, half
    a gigabyte for a 60-megapixel scan) never exist at once."""
    height, width = lightness.shape
    rgb = np.empty((height, width, 3), np.uint8)
    for top in range(0, height, COLOUR_STRIP_ROWS):
        bottom = min(height, top + COLOUR_STRIP_ROWS)
        ab = spread_pins(field.rows(top, bottom), spread, (height, width), first_row=top)
        ab = apply_pins(ab, lightness, hints, first_row=top)
        rgb[top:bottom] = srgb8_of_lab(lightness[top:bottom], ab)
    return rgb


def check_mode(options: ColorizeOptions) -> None:
    """Refuse an unknown mode, and pins in restore mode (which keeps the photo's colours)."""
    if options.mode not in MODES:
        raise InvalidOptions(
            f"Unknown mode {options.mode!r}; choose {' or '.join(MODES)}.", field="mode"
        )
    if options.mode == "restore" and options.hints:
        raise InvalidOptions(
            "Colour pins guide colorization; restore mode keeps the photo's own colours.",
            field="hints",
        )


def check_options(options: ColorizeOptions, entry: ModelEntry, config: EngineConfig) -> None:
    """Refuse options this model cannot honour before any pixel work."""
    check_mode(options)
    check_vividness(options.vividness)
    if options.hints and not takes_hints(entry, config):
        raise InvalidOptions(
            _("The model %(model)s does not take colour hints; choose tiny or large."),
            field="hints",
            model=repr(options.model),
        )


def checked_lightness(
    data: bytes, options: ColorizeOptions, config: EngineConfig
) -> tuple[ModelEntry, np.ndarray]:
    """The model entry and the photo's full-size L*, after every check of the options
    (for the views of a photo that are not a full colorize: analysis, preview)."""
    entry = resolve_model(options.model, config)
    check_options(options, entry, config)
    decoded = decode_image(data, config)
    if decoded.rgb is not None:
        lightness = lightness_of_rgb(decoded.rgb)
    else:
        lightness = lightness_of_gray(decoded.gray)
    height, width = lightness.shape
    check_hints_inside(options.hints, width=width, height=height)
    return entry, lightness


def resolve_model(name: str, config: EngineConfig) -> ModelEntry:
    """The entry for a model name, or ModelNotInstalled saying what exists."""
    entry = config.models.get(name)
    if entry is None:
        known = ", ".join(sorted(config.models)) or "none"
        raise ModelNotInstalled(f"There is no model called {name!r} (available: {known}).")
    if not entry.path.is_file():
        raise ModelNotInstalled(
            f"The model {name!r} ({entry.name}) is not installed: {entry.path} is missing."
        )
    return entry


def colorize(
    data: bytes,
    options: ColorizeOptions,
    config: EngineConfig,
    progress: ProgressCallback | None = None,
) -> ColorizeResult:
    """Colorize an image: decode, optionally repair scratches, predict colour from the
    luminance, optionally sharpen faces, encode. Raises the engine's typed errors."""
    if options.output_format not in OUTPUT_FORMATS:
        raise ValueError(f"output_format must be one of {OUTPUT_FORMATS}")
    check_mode(options)
    if options.mode == "restore":
        check_vividness(options.vividness)
        return restore_photo(data, options, config, progress)
    entry = resolve_model(options.model, config)
    check_options(options, entry, config)
    run = Run(progress)
    notes: list[str] = []
    unchanged_addons: list[str] = []

    with run.stage("decode"):
        decoded = decode_image(data, config)
        notes.extend(decoded.notes)
        shape = (decoded.rgb if decoded.rgb is not None else decoded.gray).shape
        check_hints_inside(options.hints, width=shape[1], height=shape[0])
        photo_kind = detect_kind(decoded.rgb)
        if decoded.rgb is not None:
            chroma = mean_chroma(decoded.rgb)
            if chroma > COLOUR_CHROMA:
                notes.append(ALREADY_IN_COLOUR_NOTE % {"chroma": f"{chroma:.0f}"})
            lightness = lightness_of_rgb(decoded.rgb)
        else:
            lightness = lightness_of_gray(decoded.gray)
        # The source pixels are no longer needed; a 16-megapixel photo frees 50 MB here.
        decoded.rgb = decoded.gray = None

    if options.clean_scratches:
        with run.stage("clean_scratches"):
            lightness, repaired_share = scratches.clean_scratches(lightness, config.threads)
            note_scratch_repair(repaired_share, notes, unchanged_addons)

    with run.stage("colorize"):
        prediction = predict(lightness, entry, config, options.hints)
        ab_small = decode_colour(prediction, entry, options.vividness)
        run.report("colorize", 55)
        field = colour_field(prediction, ab_small, lightness)
        rgb = colour_pixels(field, lightness, options.hints, spread_of(prediction, options.hints))
        del field, lightness

    return finish(
        rgb,
        decoded=decoded,
        options=options,
        config=config,
        run=run,
        model=entry.name,
        notes=notes,
        unchanged_addons=unchanged_addons,
        photo_kind=photo_kind,
    )
