from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from colorizer_site.jobs.limits import accepted_formats_sentence
from colorizer_site.web.landing import landing_sample
from colorizer_site.web.views import colorize


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Visitors get the landing page; signed-in users the colorize form."""
    if request.user.is_authenticated:
        return colorize.colorize_page(request)
    context = {
        "sample": landing_sample(),
        "accepted_formats": accepted_formats_sentence(),
        "max_upload_bytes": settings.COLORIZER_MAX_UPLOAD_BYTES,
    }
    return render(request, "web/home.html", context)
