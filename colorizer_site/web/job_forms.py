"""Forms of the colorize pages: parsing only; the rules are in jobs.services."""

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from colorizer_site.jobs import guidance
from colorizer_site.jobs.limits import Surface, limits_for
from colorizer_site.jobs.services import JobOptions

# Worded after the shipped weights' measured quality (MODEL_CARD.md): large (two networks)
# scores best on dev_eval, tiny is close to it at a third of the time.
MODEL_LABELS = {
    "large": "Large: the most faithful colours",
    "tiny": "Tiny: about three times faster, nearly as good",
}
FORMAT_CHOICES = [("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WebP")]
ACCEPTED_TYPES = (
    "image/jpeg,image/png,image/webp,image/bmp,image/tiff,image/x-rgb,image/sgi,"
    "image/heic,.jpg,.jpeg,.jfif,.png,.webp,.bmp,.tif,.tiff,.rgb,.sgi,.heic"
)


class OptionsForm(forms.Form):
    """The options of a job; used alone by "Run again with other options"."""

    model = forms.ChoiceField(label="Model", initial="large")
    clean_scratches = forms.BooleanField(
        label="Repair scratches and dust (+1 credit)", required=False
    )
    face_remaster = forms.BooleanField(label="Clarity boost for faces (+2 credits)", required=False)
    output_format = forms.ChoiceField(label="Output format", choices=FORMAT_CHOICES, initial="jpeg")
    vividness = forms.IntegerField(
        label="Vividness",
        required=False,
        min_value=guidance.VIVIDNESS_RANGE[0],
        max_value=guidance.VIVIDNESS_RANGE[1],
        help_text=(
            f"{guidance.VIVIDNESS_RANGE[0]} muted to {guidance.VIVIDNESS_RANGE[1]} vivid; "
            "leave empty for the model's best. Free."
        ),
        widget=forms.NumberInput(attrs={"placeholder": "model's best"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [
            (name, MODEL_LABELS.get(name, name)) for name in settings.COLORIZER_MODEL_CHOICES
        ]
        # Each option carries its price so the page can total the cost as it changes.
        self.fields["clean_scratches"].widget.attrs["data-cost"] = "1"
        self.fields["face_remaster"].widget.attrs["data-cost"] = "2"

    def job_options(self) -> JobOptions:
        data = self.cleaned_data
        return JobOptions(
            model=data["model"],
            clean_scratches=data["clean_scratches"],
            face_remaster=data["face_remaster"],
            output_format=data["output_format"],
            vividness=data["vividness"],
        )


class ColorizeForm(OptionsForm):
    """A photo (file or URL) plus options."""

    image = forms.FileField(
        label="Photo",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_TYPES}),
    )
    image_url = forms.URLField(
        label="…or an image URL",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/old-photo.jpg"}),
    )

    field_order = [
        "image",
        "image_url",
        "model",
        "clean_scratches",
        "face_remaster",
        "output_format",
        "vividness",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "image"
        ].help_text = f"JPEG, PNG, WebP, TIFF, BMP or SGI, {limits_for(Surface.PAGES).describe()}."

    def clean_image(self) -> UploadedFile | None:
        image = self.cleaned_data.get("image")
        if image and image.size > settings.COLORIZER_MAX_UPLOAD_BYTES:
            limit = filesizeformat(settings.COLORIZER_MAX_UPLOAD_BYTES)
            raise forms.ValidationError(
                f"This file is {filesizeformat(image.size)}; the limit is {limit}."
            )
        return image

    def clean(self) -> dict:
        data = super().clean()
        if data.get("image") and data.get("image_url"):
            self.add_error("image_url", "Choose a file or give a URL, not both.")
        elif (
            not data.get("image")
            and not data.get("image_url")
            and not self.has_error("image")
            and not self.has_error("image_url")
        ):
            self.add_error("image", "Choose a photo to colorize, or give its URL below.")
        return data


class GuidanceForm(forms.Form):
    """Pins and vividness from the "Adjust colours" panel (previews and Apply)."""

    hints = forms.CharField(required=False, max_length=8000)
    vividness = forms.IntegerField(
        label="Vividness",
        required=False,
        min_value=guidance.VIVIDNESS_RANGE[0],
        max_value=guidance.VIVIDNESS_RANGE[1],
    )
    size = forms.TypedChoiceField(
        choices=[(size, size) for size in guidance.PREVIEW_SIZES],
        coerce=int,
        required=False,
        empty_value=guidance.DEFAULT_PREVIEW_SIZE,
    )

    def clean_hints(self) -> tuple:
        try:
            return guidance.parse_hints(self.cleaned_data.get("hints"))
        except guidance.InvalidOptions as error:
            raise forms.ValidationError(str(error)) from error

    def first_error(self) -> str:
        for name, errors in self.errors.items():
            return f"{name}: {errors[0]}"
        return ""
