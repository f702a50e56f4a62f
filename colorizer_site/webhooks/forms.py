from django import forms
from django.utils.translation import gettext_lazy as _

from colorizer_site.webhooks.models import Event


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Where we POST the events: a public http(s) address."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/colorizer"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        initial=[Event.TASK_SUCCEEDED, Event.TASK_FAILED],
        widget=forms.CheckboxSelectMultiple,
    )
