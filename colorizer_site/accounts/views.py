from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_safe

from colorizer_site.accounts.forms import SignupForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The account was just created with this password: no need to make the
        # new user type it again (and no authenticate() round for axes to count).
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, gettext("Welcome to Colorizer! Your account is ready."))
        return redirect("web:home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_safe
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html")
