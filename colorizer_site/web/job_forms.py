"""Forms of the colorize pages: parsing only; the rules are in jobs.services."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from colorizer_site.engine import formats
from colorizer_site.engine.errors import InvalidOptions
from colorizer_site.engine.hints import VIVIDNESS_RANGE, parse_hints
from colorizer_site.engine.preview import DEFAULT_PREVIEW_SIZE, PREVIEW_SIZES
from colorizer_site.engine.types import MODES
from colorizer_site.jobs import albums, options
from colorizer_site.jobs.captions_csv import MAX_CSV_BYTES
from colorizer_site.jobs.limits import Surface, accepted_formats_sentence, limits_for
from colorizer_site.jobs.options import JobOptions

FORMAT_CHOICES = [(name, formats.OUTPUT_LABELS[name]) for name in formats.OUTPUT_CONTENT_TYPES]


def _addon_label(name: str) -> str:
    # Lazy: the form class is made once, the label is read in each request's language.
    return format_lazy(
        "{} ({})",
        options.ADDON_LABELS[name],
        lazy(options.price_words, str)(options.ADDON_PRICES[name]),
    )


def mode_choices() -> list[tuple[str, str]]:
    return [(mode, options.MODE_LABELS[mode]) for mode in MODES]


class OptionsForm(forms.Form):
    """The options of a job; used alone by "Run again with other options"."""

    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=mode_choices,
        initial=options.DEFAULT_MODE,
        # Absent (an older page, a script posting the form) means colorize.
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Colorize black-and-white photos; restore faded colour prints (they keep their "
            "own colours). The same price."
        ),
    )
    model = forms.ChoiceField(label=_("Model"), initial=options.DEFAULT_MODEL)
    clean_scratches = forms.BooleanField(label=_addon_label("clean_scratches"), required=False)
    face_remaster = forms.BooleanField(label=_addon_label("face_remaster"), required=False)
    output_format = forms.ChoiceField(
        label=_("Output format"), choices=FORMAT_CHOICES, initial=options.DEFAULT_OUTPUT_FORMAT
    )
    vividness = forms.IntegerField(
        label=_("Vividness"),
        required=False,
        min_value=VIVIDNESS_RANGE[0],
        max_value=VIVIDNESS_RANGE[1],
        help_text=format_lazy(
            _("{low} muted to {high} vivid; leave empty for the model's best. Free."),
            low=VIVIDNESS_RANGE[0],
            high=VIVIDNESS_RANGE[1],
        ),
        widget=forms.NumberInput(attrs={"placeholder": _("model's best")}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [
            (name, options.model_label(name)) for name in options.model_choices()
        ]
        # Each option carries its price so the page can total the cost as it changes.
        for name, price in options.ADDON_PRICES.items():
            self.fields[name].widget.attrs["data-cost"] = str(price)

    def job_options(self) -> JobOptions:
        data = self.cleaned_data
        return JobOptions(
            model=data["model"],
            clean_scratches=data["clean_scratches"],
            face_remaster=data["face_remaster"],
            output_format=data["output_format"],
            vividness=data["vividness"],
            mode=data["mode"] or options.DEFAULT_MODE,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotoFilesField(forms.FileField):
    """One or many files (photos, ZIP archives); cleans to a list, empty when none."""

    def __init__(self, **kwargs) -> None:
        attrs = {"accept": formats.accept_attribute(archives=True), "multiple": True}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotoFilesField, self).clean(item, initial) for item in files if item]


class ColorizeForm(OptionsForm):
    """A photo (file or URL), or a batch (many files, ZIP archives), plus options."""

    image = PhotoFilesField(label=_("Photos"), required=False)
    image_url = forms.URLField(
        label=_("…or an image URL"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/old-photo.jpg"}),
    )
    album_name = forms.CharField(
        label=_("Put these in a new album named"),
        required=False,
        max_length=albums.NAME_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Grandma's album")}),
    )
    captions = forms.FileField(
        label=_("Captions (CSV, optional)"),
        required=False,
        help_text=_(
            "A spreadsheet saved as CSV with a file_name column and any of title, description, "
            "date, place, people, reference: each row captions the photo of that name."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    field_order = [
        "image",
        "image_url",
        "mode",
        "model",
        "clean_scratches",
        "face_remaster",
        "output_format",
        "vividness",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = upload_help()

    @property
    def is_batch(self) -> bool:
        """Several files, or a ZIP archive: a batch, not a single photo."""
        files = self.cleaned_data.get("image") or []
        return len(files) > 1 or any(_is_archive(upload) for upload in files)

    def clean_image(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("image") or []
        if len(files) == 1 and not _is_archive(files[0]):
            image = files[0]
            if image.size > settings.COLORIZER_MAX_UPLOAD_BYTES:
                limit = filesizeformat(settings.COLORIZER_MAX_UPLOAD_BYTES)
                raise forms.ValidationError(
                    gettext("This file is %(size)s; the limit is %(limit)s.")
                    % {"size": filesizeformat(image.size), "limit": limit}
                )
        total = sum(upload.size or 0 for upload in files)
        if total > settings.COLORIZER_BATCH_MAX_BYTES:
            raise forms.ValidationError(
                gettext(
                    "These files add up to %(total)s; a batch may hold %(limit)s. "
                    "Send them in several batches."
                )
                % {
                    "total": filesizeformat(total),
                    "limit": filesizeformat(settings.COLORIZER_BATCH_MAX_BYTES),
                }
            )
        return files

    def clean_captions(self) -> bytes:
        upload = self.cleaned_data.get("captions")
        if not upload:
            return b""
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The captions file is larger than 2 MB."))
        return upload.read()

    def clean(self) -> dict:
        data = super().clean()
        if data.get("image") and data.get("image_url"):
            self.add_error("image_url", gettext("Choose a file or give a URL, not both."))
        elif (
            not data.get("image")
            and not data.get("image_url")
            and not self.has_error("image")
            and not self.has_error("image_url")
        ):
            self.add_error("image", gettext("Choose a photo to colorize, or give its URL below."))
        return data


def upload_help() -> str:
    """What the upload accepts, in the words every page uses for it."""
    return gettext(
        "%(formats)s, %(limits)s each. Several at once, or ZIP archives: up to %(photos)s "
        "photos and %(bytes)s in one batch."
    ) % {
        "formats": accepted_formats_sentence(),
        "limits": limits_for(Surface.PAGES).describe(),
        "photos": settings.COLORIZER_BATCH_MAX_PHOTOS,
        "bytes": filesizeformat(settings.COLORIZER_BATCH_MAX_BYTES),
    }


def _is_archive(upload: UploadedFile) -> bool:
    return (upload.name or "").lower().endswith(formats.ARCHIVE_EXTENSIONS)


class GuidanceForm(forms.Form):
    """Pins and vividness from the "Adjust colours" panel (previews and Apply)."""

    hints = forms.CharField(required=False, max_length=8000)
    vividness = forms.IntegerField(
        label=_("Vividness"),
        required=False,
        min_value=VIVIDNESS_RANGE[0],
        max_value=VIVIDNESS_RANGE[1],
    )
    size = forms.TypedChoiceField(
        choices=[(size, size) for size in PREVIEW_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PREVIEW_SIZE,
    )

    def clean_hints(self) -> tuple:
        try:
            return parse_hints(self.cleaned_data.get("hints"))
        except InvalidOptions as error:
            raise forms.ValidationError(str(error)) from error

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            return f"{name}: {errors[0]}"
        return ""
