from allauth.account import app_settings as allauth_settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import int_to_base36, urlsafe_base64_decode
from django.utils.translation import gettext
from django.views.decorators.http import require_POST, require_safe

from colorizer_site.accounts.forms import PreferencesForm
from colorizer_site.accounts.models import User
from colorizer_site.accounts.services import preferences_of


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(instance=preferences_of(request.user))
    return render(request, "accounts/profile.html", {"preferences_form": form})


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST, instance=preferences_of(request.user))
    if form.is_valid():
        form.save()
        messages.success(request, gettext("Your preferences are saved."))
    return redirect("accounts:profile")


@require_safe
def old_password_reset_link(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """A reset link mailed by the old hand-written pages, honoured under allauth.

    That link carries Django's plain reset token, which allauth's generator (it also
    hashes the address) does not accept; a valid one is exchanged here for allauth's
    own, so the person lands on the same "choose a new password" form. An invalid or
    used one leads to the page that sends a new link.
    """
    try:
        user = User.objects.filter(pk=int(urlsafe_base64_decode(uidb64).decode())).first()
    except (ValueError, UnicodeDecodeError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return redirect("account_reset_password")
    key = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    return redirect("account_reset_password_from_key", uidb36=int_to_base36(user.pk), key=key)
