from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from colorizer_site.accounts.models import User


class SignupForm(BaseUserCreationForm):
    """Email and password (twice); Django's password validators apply."""

    class Meta:
        model = User
        fields = ("email",)
        labels = {"email": _("Email")}
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        # The unique index is case-sensitive; people are not.
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("An account with this email already exists. Log in, or reset your password."),
                code="duplicate_email",
            )
        return email
