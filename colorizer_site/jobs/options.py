"""What a job can ask for, what it costs, and the checks made before anything is charged.

The one home of the product's prices, model choices and their labels: the
colorize form, its cost total, the API parsers, the OpenAPI document and the
Docs page all read them from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from colorizer_site.engine import clarity
from colorizer_site.engine.errors import ModelNotInstalled
from colorizer_site.engine.hints import check_hints, check_vividness
from colorizer_site.engine.pipeline import check_mode
from colorizer_site.engine.types import (
    MODES,
    OUTPUT_FORMATS,
    ColorizeOptions,
    ColourHint,
    EngineConfig,
)
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.registry import engine_config
from colorizer_site.lib.errors import DomainError

# Credits: every colorization costs BASE_PRICE, each paid add-on adds its price. A
# restoration costs the same as a colorization: it needs less computing, but one price
# for "a photo made better" is the one people can predict (docs/restore.md).
BASE_PRICE = 1
ADDON_PRICES = {"clean_scratches": 1, "face_remaster": 2}
ADDON_LABELS = {
    "clean_scratches": _("Repair scratches and dust"),
    "face_remaster": _("Clarity boost for faces"),
}
DEFAULT_MODEL = "large"
# Each model by what it is good at, never by how it falls short (people read "more often
# wrong" as "do not use"). Grounded in docs/models/colorizer.md: large (two networks) scores best on
# dev_eval; tiny is close to it at about a third of the time.
MODEL_LABELS = {
    "large": _("Large: the most faithful colours, for the photos you keep"),
    "tiny": _("Tiny: about three times faster, for quick looks and big batches"),
}
DEFAULT_OUTPUT_FORMAT = "jpeg"
DEFAULT_MODE = "colorize"
# What each mode does and when to choose it: the colorize page, the API and the docs say it.
MODE_LABELS = {
    "colorize": _("Colorize"),
    "restore": _("Restore colours"),
}
MODE_HELP = {
    "colorize": _("For black-and-white photos: the model paints colour from the tones."),
    "restore": _(
        "For faded colour prints: removes the red or yellow cast and brings back contrast, "
        "keeping the photo's own colours."
    ),
}


def model_choices() -> tuple[str, ...]:
    """The model names users may choose on this installation (COLORIZER_MODEL_CHOICES),
    the default first."""
    return tuple(sorted(settings.COLORIZER_MODEL_CHOICES, key=lambda name: name != DEFAULT_MODEL))


def model_label(name: str) -> str:
    """The model's label in the active language (English under /api/)."""
    return str(MODEL_LABELS.get(name, name))


def price_words(credits: int) -> str:
    """An add-on's price as the pages and docs write it: "+1 credit", "+2 credits"."""
    return ngettext("+%(count)s credit", "+%(count)s credits", credits) % {"count": credits}


class InvalidJobOptions(DomainError, ValueError):
    """An option value the product does not offer; `str()` says which and why."""

    code = "invalid_options"


@dataclass(frozen=True)
class JobOptions:
    model: str = DEFAULT_MODEL
    clean_scratches: bool = False
    face_remaster: bool = False
    output_format: str = DEFAULT_OUTPUT_FORMAT
    # Colour pins in the input photo's (upright) pixels, and vividness 0..100
    # (None: the model's measured best). Both are free; the engine checks them.
    hints: tuple[ColourHint, ...] = ()
    vividness: int | None = None
    mode: str = DEFAULT_MODE  # one of MODES

    def validated(self) -> JobOptions:
        """The same options with `jpg` spelled `jpeg`, or InvalidJobOptions; bad hints or
        vividness raise the engine's InvalidOptions, whose `field` names them."""
        choices = model_choices()
        if self.model not in choices:
            names = " or ".join(f'"{name}"' for name in choices)
            raise InvalidJobOptions(f'Unknown model "{self.model}"; choose {names}.')
        for flag in ("clean_scratches", "face_remaster"):
            if not isinstance(getattr(self, flag), bool):
                raise InvalidJobOptions(f"{flag} must be true or false.")
        output_format = str(self.output_format).lower()
        output_format = "jpeg" if output_format == "jpg" else output_format
        if output_format not in OUTPUT_FORMATS:
            raise InvalidJobOptions(
                f'Unknown output format "{self.output_format}"; choose '
                f"{', '.join(OUTPUT_FORMATS[:-1])} or {OUTPUT_FORMATS[-1]}."
            )
        if self.mode not in MODES:
            raise InvalidJobOptions(f'Unknown mode "{self.mode}"; choose colorize or restore.')
        check_vividness(self.vividness)
        check_mode(ColorizeOptions(mode=self.mode, hints=self.hints))
        return replace(self, output_format=output_format, hints=check_hints(self.hints))

    @classmethod
    def from_job(cls, job: ColorizationJob) -> JobOptions:
        stored = job.options or {}
        return cls(
            model=stored.get("model", DEFAULT_MODEL),
            clean_scratches=bool(stored.get("clean_scratches", False)),
            face_remaster=bool(stored.get("face_remaster", False)),
            output_format=stored.get("output_format", DEFAULT_OUTPUT_FORMAT),
            hints=tuple(ColourHint(**hint) for hint in stored.get("hints", ())),
            vividness=stored.get("vividness"),
            mode=stored.get("mode", DEFAULT_MODE),
        )

    def stored(self) -> dict:
        """The JSON kept with the job; pins, vividness and restore mode only where chosen."""
        stored = asdict(self)
        if self.mode == DEFAULT_MODE:
            del stored["mode"]
        if not self.hints:
            del stored["hints"]
        if self.vividness is None:
            del stored["vividness"]
        return stored

    def engine_options(self) -> ColorizeOptions:
        return ColorizeOptions(**{**asdict(self), "hints": self.hints})


def job_cost(options: JobOptions) -> int:
    """BASE_PRICE plus the price of each add-on the options ask for."""
    return BASE_PRICE + sum(price for name, price in ADDON_PRICES.items() if getattr(options, name))


def check_model_installed(options: JobOptions, config: EngineConfig | None = None) -> None:
    """Raise ModelNotInstalled before any credit moves when the chosen model's file, or the
    clarity boost's weights when it is asked for, are absent."""
    if options.face_remaster:
        _check_clarity_installed()
    if options.mode == "restore":
        return  # the restorer ships inside the engine; no colorization model is needed
    config = config or engine_config()
    entry = config.models.get(options.model)
    if entry is None or not entry.path.is_file():
        raise ModelNotInstalled(
            f'The "{options.model}" model is not installed on this server; '
            "choose another model or ask the administrator to install it."
        )


def check_callback_url(url: str) -> None:
    """InvalidJobOptions unless `url` is empty or may receive webhooks: http(s), every
    address public (the same rules as image URLs, checked again at each delivery)."""
    if not url:
        return
    from colorizer_site.lib.safe_http import RefusedUrl, check_url

    if len(url) > 2000:
        raise InvalidJobOptions("callback_url is longer than 2000 characters.")
    try:
        check_url(
            url, allow_loopback=settings.COLORIZER_URL_FETCH_ALLOW_LOOPBACK, what="callback_url"
        )
    except RefusedUrl as error:
        raise InvalidJobOptions(str(error)) from error


def _check_clarity_installed() -> None:
    # Without this the job would be charged, then fail in the worker and be refunded.
    import importlib.util

    try:
        clarity.model_files()
        if importlib.util.find_spec("ncnn") is None:
            raise ModelNotInstalled("The clarity boost needs the `ncnn` package.")
    except ModelNotInstalled as error:
        raise ModelNotInstalled(
            "The clarity boost (face_remaster) is not installed on this server; "
            "send the photo without it or ask the administrator to install it."
        ) from error
