from django import forms
from django.utils.translation import gettext_lazy as _


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Something to recognise it by later, such as the program or machine using it."),
        widget=forms.TextInput(attrs={"placeholder": _("e.g. photo-archive script")}),
    )
