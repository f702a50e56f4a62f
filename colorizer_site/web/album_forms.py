"""Forms of albums, captions and the gallery's search: parsing only; the rules are in
jobs.albums, jobs.facts and jobs.captions_csv."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from colorizer_site.jobs import albums
from colorizer_site.jobs.captions_csv import MAX_CSV_BYTES
from colorizer_site.jobs.facts import LIMITS


class FactsForm(forms.Form):
    """A photo's caption and facts, as the job page and the gallery's bulk edit show them."""

    title = forms.CharField(label=_("Title"), required=False, max_length=LIMITS["title"])
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=LIMITS["description"],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    date = forms.CharField(
        label=_("Date"),
        required=False,
        max_length=LIMITS["date"],
        help_text=_('As you know it: "about 1925", "summer 1948", "1910s", "1920-1925".'),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=LIMITS["place"])
    people = forms.CharField(
        label=_("People shown"),
        required=False,
        max_length=LIMITS["people"],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name per line, or separated by semicolons."),
    )
    reference = forms.CharField(
        label=_("Reference number"), required=False, max_length=LIMITS["reference"]
    )

    def changes(self, *, only_filled: bool = False) -> dict[str, Any]:
        """The facts to save; with `only_filled` (several photos at once), just the ones
        given, so a bulk edit of the place leaves each photo's title as it was."""
        data = self.cleaned_data
        if only_filled:
            return {name: value for name, value in data.items() if value}
        return dict(data)


class AlbumNameForm(forms.Form):
    name = forms.CharField(label=_("Album name"), max_length=albums.NAME_MAX)


class AddToAlbumForm(forms.Form):
    """An existing album of the user's, or the name of a new one."""

    album = forms.ChoiceField(label=_("Album"), required=False)
    new_album = forms.CharField(
        label=_("…or a new album named"), required=False, max_length=albums.NAME_MAX
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["album"].choices = [("", _("Choose an album"))] + [
            (album.album_id, album.name) for album in albums.albums_of(owner)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("album") and not (data.get("new_album") or "").strip():
            raise forms.ValidationError(_("Choose an album or name a new one."))
        return data


class CaptionsFileForm(forms.Form):
    captions = forms.FileField(
        label=_("Captions (CSV)"),
        help_text=_(
            "A spreadsheet saved as CSV with a file_name column and any of title, description, "
            "date, place, people, reference."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_captions(self) -> bytes:
        upload = self.cleaned_data["captions"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The captions file is larger than 2 MB."))
        return upload.read()


class GallerySearchForm(forms.Form):
    """The gallery's search box and filters (a GET form: every field optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=1000, max_value=2999
    )
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1000, max_value=2999)
    album = forms.CharField(required=False, max_length=32)
    batch = forms.CharField(required=False, max_length=32)
