from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from colorizer_site.accounts import languages


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The switcher: Django's view sets the cookie and goes back; a signed-in user's choice
    is also saved on their account."""
    response = django_set_language(request)
    languages.save_language(request, request.POST.get("language", ""))
    return response
