"""What a job can ask for, what it costs, and the checks made before anything is charged."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from django.conf import settings

from colorizer_site.engine import clarity
from colorizer_site.engine.errors import ModelNotInstalled
from colorizer_site.engine.guidance import check_hints, check_vividness
from colorizer_site.engine.types import OUTPUT_FORMATS, ColorizeOptions, ColourHint, EngineConfig
from colorizer_site.jobs.models import ColorizationJob
from colorizer_site.jobs.registry import engine_config


class InvalidJobOptions(ValueError):
    """An option value the product does not offer; `str()` says which and why."""


@dataclass(frozen=True)
class JobOptions:
    model: str = "large"
    clean_scratches: bool = False
    face_remaster: bool = False
    output_format: str = "jpeg"
    # Colour pins in the input photo's (upright) pixels, and vividness 0..100
    # (None: the model's measured best). Both are free; the engine checks them.
    hints: tuple[ColourHint, ...] = ()
    vividness: int | None = None

    def validated(self) -> JobOptions:
        """The same options with `jpg` spelled `jpeg`, or InvalidJobOptions; bad hints or
        vividness raise the engine's InvalidOptions, whose `field` names them."""
        choices = settings.COLORIZER_MODEL_CHOICES
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
                f'Unknown output format "{self.output_format}"; choose jpeg, png or webp.'
            )
        check_vividness(self.vividness)
        return replace(self, output_format=output_format, hints=check_hints(self.hints))

    @classmethod
    def from_job(cls, job: ColorizationJob) -> JobOptions:
        stored = job.options or {}
        return cls(
            model=stored.get("model", "large"),
            clean_scratches=bool(stored.get("clean_scratches", False)),
            face_remaster=bool(stored.get("face_remaster", False)),
            output_format=stored.get("output_format", "jpeg"),
            hints=tuple(ColourHint(**hint) for hint in stored.get("hints", ())),
            vividness=stored.get("vividness"),
        )

    def stored(self) -> dict:
        """The JSON kept with the job; pins and vividness only where chosen."""
        stored = asdict(self)
        if not self.hints:
            del stored["hints"]
        if self.vividness is None:
            del stored["vividness"]
        return stored

    def engine_options(self) -> ColorizeOptions:
        return ColorizeOptions(**{**asdict(self), "hints": self.hints})


def job_cost(options: JobOptions) -> int:
    """One credit per colorization, +1 for scratch repair, +2 for the clarity boost."""
    return 1 + (1 if options.clean_scratches else 0) + (2 if options.face_remaster else 0)


def check_model_installed(options: JobOptions, config: EngineConfig | None = None) -> None:
    """Raise ModelNotInstalled before any credit moves when the chosen model's file, or the
    clarity boost's weights when it is asked for, are absent."""
    config = config or engine_config()
    entry = config.models.get(options.model)
    if entry is None or not entry.path.is_file():
        raise ModelNotInstalled(
            f'The "{options.model}" model is not installed on this server; '
            "choose another model or ask the administrator to install it."
        )
    if options.face_remaster:
        _check_clarity_installed()


def check_callback_url(url: str) -> None:
    """InvalidJobOptions unless `url` is empty or may receive webhooks: http(s), every
    address public (the same rules as image URLs, checked again at each delivery)."""
    if not url:
        return
    from colorizer_site.jobs.fetching import InvalidImageUrl, check_url

    if len(url) > 2000:
        raise InvalidJobOptions("callback_url is longer than 2000 characters.")
    try:
        check_url(
            url, allow_loopback=settings.COLORIZER_URL_FETCH_ALLOW_LOOPBACK, what="callback_url"
        )
    except InvalidImageUrl as error:
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
