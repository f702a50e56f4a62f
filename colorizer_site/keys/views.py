from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from colorizer_site.accounts.services import has_verified_email
from colorizer_site.keys import services
from colorizer_site.keys.forms import ApiKeyForm
from colorizer_site.keys.models import ApiKey
from colorizer_site.lib.errors import DomainError, show_on_form


def _list_context(request: HttpRequest, form: ApiKeyForm) -> dict:
    keys = ApiKey.objects.filter(user=request.user)
    return {
        "form": form,
        "keys": keys,
        "live_count": sum(1 for key in keys if key.is_live),
        "max_live": settings.COLORIZER_MAX_LIVE_API_KEYS,
        # The form gives way to why keys wait and a button that sends the link again.
        "email_verified": has_verified_email(request.user),
    }


@login_required
@require_safe
def key_list(request: HttpRequest) -> HttpResponse:
    return render(request, "keys/list.html", _list_context(request, ApiKeyForm()))


@login_required
@require_POST
@never_cache
def key_create(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            key, secret = services.create_key(user=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            show_on_form(form, error)
        else:
            # Rendered straight from the POST, never stored: this response is the
            # only place the secret ever appears.
            return render(request, "keys/created.html", {"key": key, "secret": secret})
    return render(request, "keys/list.html", _list_context(request, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    key = get_object_or_404(ApiKey, id=key_id, user=request.user)
    if request.method == "POST":
        services.revoke(key=key)
        messages.success(
            request,
            gettext("The key “%(name)s” is revoked; requests using it are refused.")
            % {"name": key.name},
        )
        return redirect("keys:list")
    return render(request, "keys/revoke.html", {"key": key})
