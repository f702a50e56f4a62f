from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from colorizer_site.accounts.models import Preferences


class LoginForm(AllauthLoginForm):
    """allauth's log-in form, with the site's wording."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email address")
        self.fields["login"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (email, password twice; Django's password validators)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email address")
        self.fields["password2"].label = _("Password (again)")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ("email_when_ready",)
