from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from colorizer_site.web.landing import landing_sample
from colorizer_site.web.views import colorize


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get the landing page; signed-in users the colorize form."""
    if request.user.is_authenticated:
        return colorize.colorize_page(request)
    return render(request, "web/home.html", {"sample": landing_sample()})
