"""Which language a person sees, and how a signed-in user's choice is remembered.

Visitors get the switcher's cookie or, failing that, their browser's Accept-Language
(Django's LocaleMiddleware). A signed-in user's choice is also saved on their account's
preferences, copied into the session when they sign in, and applied by the middleware
below, so it follows them to a new browser. This module is the only place that reads or
writes that preference (docs/languages.md).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from colorizer_site.accounts.models import Preferences

API_PREFIX = "/api/"
# The session key under which a signed-in user's saved language travels between requests,
# so the middleware needs no query of its own.
SESSION_KEY = "colorizer_language"


def is_offered(code: str | None) -> bool:
    return code in dict(settings.LANGUAGES)


def saved_language(user) -> str | None:
    """The language saved on the user's preferences, or None when there is none."""
    code = Preferences.objects.filter(user=user).values_list("language", flat=True).first()
    return code if is_offered(code) else None


def save_language(request: HttpRequest, code: str) -> None:
    """Remember a signed-in user's choice on their account and in this session."""
    user = request.user
    if not user.is_authenticated or not is_offered(code):
        return
    request.session[SESSION_KEY] = code
    Preferences.objects.update_or_create(user=user, defaults={"language": code})


@receiver(user_logged_in, dispatch_uid="colorizer_language_on_login")
def apply_saved_language(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # Signing in rotates the session, so this runs after the new one exists.
    if request is None or not hasattr(request, "session"):
        return
    code = saved_language(user)
    if code:
        request.session[SESSION_KEY] = code
        translation.activate(code)
        request.LANGUAGE_CODE = code


@contextmanager
def language_of(user) -> Iterator[None]:
    """Write to a user outside a request (an email from the worker) in their saved language."""
    with translation.override(saved_language(user) or settings.LANGUAGE_CODE):
        yield


class UserLanguageMiddleware:
    """English under /api/; elsewhere a signed-in user's saved language over the cookie and
    Accept-Language that LocaleMiddleware went by."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            # The API speaks English whatever the client's Accept-Language: its messages are
            # for programs and their logs, as API conventions expect.
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        code = request.session.get(SESSION_KEY) if request.user.is_authenticated else None
        if is_offered(code):
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
