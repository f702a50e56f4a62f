from django import forms


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Something to recognise it by later, such as the program or machine using it.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. photo-archive script"}),
    )
